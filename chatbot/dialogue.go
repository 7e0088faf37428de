package chatbot

import (
	"fmt"
	"strings"

	"github.com/settlehq/settle/chatbot/nlu"
)

// The dialogue policy is a deterministic state machine (DESIGN.md §4): given
// the conversation's state and one understood customer turn, it says what to
// do next. It does no I/O; the service carries out its plan and, after opening
// a dispute, words the engine's outcome (replies.go).

// Phase is where the conversation stands.
type Phase string

const (
	PhaseStart       Phase = "start"        // nothing established
	PhaseChooseOrder Phase = "choose_order" // a problem is known; which order?
	PhaseConfirm     Phase = "confirm"      // order and reason known; confirm before submitting
	PhaseFacts       Phase = "facts"        // collecting the one fact the reason needs
	PhaseDispute     Phase = "dispute"      // a dispute is open
	PhaseAgent       Phase = "agent"        // a person owns the conversation: the bot is silent
)

// State is what the conversation remembers between turns.
type State struct {
	Phase          Phase    `json:"phase"`
	Reason         string   `json:"reason,omitempty"`
	SubReason      string   `json:"sub_reason,omitempty"`
	Confidence     float64  `json:"confidence,omitempty"`
	OrderID        string   `json:"order_id,omitempty"`
	Candidates     []string `json:"candidates,omitempty"`
	Clarifications int      `json:"clarifications,omitempty"`
	Facts          []string `json:"facts,omitempty"` // the customer's own words, for the dispute description
	DisputeID      string   `json:"dispute_id,omitempty"`
	Flags          []string `json:"flags,omitempty"` // e.g. injection_suspected, kept for the handoff packet
}

// OrderChoice is one of the customer's orders as the dialogue offers it.
type OrderChoice struct {
	ID       string
	Label    string // "Stride Shoes · Cloudrun running shoes · $129.00"
	Merchant string
	Ref      string
}

// Turn is one customer message, understood.
type Turn struct {
	Text     string // already redacted
	NLU      nlu.Result
	Orders   []OrderChoice // the customer's recent orders, newest first
	Answered bool          // the knowledge base had a grounded answer (Passages non-empty and relevant)
}

// Plan is what the service must do for a turn.
type Plan struct {
	Say      []Reply
	Open     *OpenRequest     // submit a dispute
	Escalate *EscalateRequest // hand the conversation to a person
	Answer   bool             // answer the question from the knowledge base
	Then     []Reply          // said after the answer (a question asked mid-dispute)
}

// OpenRequest asks the service to submit a dispute.
type OpenRequest struct {
	OrderID, Reason, SubReason, Description string
	WantsHuman                              bool
	Confidence                              float64
}

// EscalateRequest asks for a person.
type EscalateRequest struct {
	Category string
	Why      string
}

// maxClarifications is how many clarifying questions the bot asks before it
// hands over: never a loop (DESIGN.md §1.3).
const maxClarifications = 2

// Step decides the next move. It is pure.
func Step(s State, t Turn) (State, Plan) {
	if t.NLU.InjectionSuspected && !contains(s.Flags, "injection_suspected") {
		s.Flags = append(s.Flags, "injection_suspected")
	}
	switch {
	case s.Phase == PhaseAgent:
		return s, Plan{} // a person is talking with the customer
	case t.NLU.WantsHuman:
		return toPerson(s, "customer_request", "you asked for a person")
	}
	switch s.Phase {
	case PhaseChooseOrder:
		return chooseOrder(s, t)
	case PhaseConfirm:
		return confirm(s, t)
	case PhaseFacts:
		s.Facts = append(s.Facts, t.Text)
		return submit(s)
	case PhaseDispute:
		return disputeOpen(s, t)
	}
	return start(s, t)
}

func start(s State, t Turn) (State, Plan) {
	r := t.NLU
	if !r.IsDispute {
		return answer(s, t)
	}
	if r.Confidence < 0.5 {
		return clarify(s, "I want to make sure I understand. What went wrong with your purchase?",
			alternativesReplies(r), "low_confidence")
	}
	s.Reason, s.SubReason, s.Confidence = r.Reason, r.SubReason, r.Confidence
	s.Facts = append(s.Facts, t.Text)
	return findOrder(s, t)
}

// findOrder settles which order the problem is about.
func findOrder(s State, t Turn) (State, Plan) {
	if id := t.NLU.Slots.OrderID; id != "" && hasOrder(t.Orders, id) {
		s.OrderID = id
		return askConfirm(s, t.Orders)
	}
	if len(t.Orders) == 0 {
		return toPerson(s, "missing_knowledge", "we could not find any purchases on your account")
	}
	choices := t.Orders
	if len(t.NLU.Slots.Candidates) > 0 {
		choices = filterOrders(t.Orders, t.NLU.Slots.Candidates)
	}
	if len(choices) == 1 { // only one it can be: confirm it (the customer can still say no)
		s.OrderID = choices[0].ID
		return askConfirm(s, t.Orders)
	}
	if len(choices) > 5 {
		choices = choices[:5]
	}
	s.Phase, s.Candidates = PhaseChooseOrder, ids(choices)
	return s, Plan{Say: []Reply{{Text: "Sorry to hear that. Which purchase is it about?", QuickReplies: orderReplies(choices)}}}
}

func chooseOrder(s State, t Turn) (State, Plan) {
	if id := pickedOrder(t); id != "" {
		s.OrderID, s.Candidates = id, nil
		return askConfirm(s, t.Orders)
	}
	if t.NLU.IsDispute && t.NLU.Reason != s.Reason && t.NLU.Confidence >= 0.5 {
		s.Reason, s.SubReason = t.NLU.Reason, t.NLU.SubReason
	}
	if side, ok := sideQuestion(s, t, "And which purchase was the problem with?", orderReplies(filterOrders(t.Orders, s.Candidates))); ok {
		return s, side
	}
	return clarify(s, "I couldn't tell which purchase you mean. Please pick one below, or tell me the store and item.",
		orderReplies(filterOrders(t.Orders, s.Candidates)), "low_confidence")
}

// pickedOrder reads the order from a quick reply ("order:<id>") or the slots.
func pickedOrder(t Turn) string {
	if id, ok := strings.CutPrefix(strings.TrimSpace(t.Text), "order:"); ok && hasOrder(t.Orders, id) {
		return id
	}
	if id := t.NLU.Slots.OrderID; id != "" && hasOrder(t.Orders, id) {
		return id
	}
	return ""
}

func askConfirm(s State, orders []OrderChoice) (State, Plan) {
	s.Phase, s.Clarifications = PhaseConfirm, 0
	o := orderByID(orders, s.OrderID)
	text := fmt.Sprintf("Just to check: your %s purchase (%s) — %s. Shall I open a dispute for it? Your remaining payments on it will be paused straight away.",
		o.Merchant, o.Label, reasonPhrase(s.Reason))
	return s, Plan{Say: []Reply{{Text: text, QuickReplies: []QuickReply{
		{Label: "Yes, open a dispute", Payload: "yes"}, {Label: "No, that's not it", Payload: "no"},
		{Label: "Talk to a person", Payload: "talk to a person"}}}}}
}

func confirm(s State, t Turn) (State, Plan) {
	switch yesNo(t.Text) {
	case "yes":
		if q := factQuestion(s.Reason); q != "" {
			s.Phase = PhaseFacts
			return s, Plan{Say: []Reply{{Text: q}}}
		}
		return submit(s)
	case "no":
		s = State{Phase: PhaseStart, Flags: s.Flags}
		return s, Plan{Say: []Reply{{Text: "No problem. Tell me in your own words what happened, and which purchase it's about."}}}
	}
	if t.NLU.IsDispute && t.NLU.Confidence >= 0.5 && t.NLU.Reason != s.Reason {
		s.Reason, s.SubReason = t.NLU.Reason, t.NLU.SubReason
		s.Facts = append(s.Facts, t.Text)
		return askConfirm(s, t.Orders)
	}
	if side, ok := sideQuestion(s, t, "Shall I still open the dispute?", []QuickReply{
		{Label: "Yes, open a dispute", Payload: "yes"}, {Label: "No, that's not it", Payload: "no"}}); ok {
		return s, side
	}
	return clarify(s, "Sorry — shall I open the dispute? Please answer yes or no.", []QuickReply{
		{Label: "Yes", Payload: "yes"}, {Label: "No", Payload: "no"}}, "low_confidence")
}

// sideQuestion answers a question the customer asks while the bot waits for
// an answer of its own (which order? shall I open it?), then asks again: a
// question that has a grounded answer is not a failure to understand, so it
// does not count as a clarification.
func sideQuestion(s State, t Turn, again string, replies []QuickReply) (Plan, bool) {
	if t.NLU.IsDispute || !t.Answered || t.NLU.Intent == "small_talk" {
		return Plan{}, false
	}
	return Plan{Answer: true, Then: []Reply{{Text: again, QuickReplies: replies}}}, true
}

func submit(s State) (State, Plan) {
	s.Phase = PhaseDispute
	return s, Plan{Open: &OpenRequest{OrderID: s.OrderID, Reason: s.Reason, SubReason: s.SubReason,
		Description: strings.Join(s.Facts, "\n"), Confidence: s.Confidence}}
}

func disputeOpen(s State, t Turn) (State, Plan) {
	if !t.NLU.IsDispute || t.NLU.Intent == "dispute_status" {
		return answer(s, t)
	}
	return s, Plan{Say: []Reply{{Text: "Your dispute is open and your payments on that order stay paused. Anything you add here is shared with the person reviewing it.",
		QuickReplies: []QuickReply{{Label: "Dispute status", Payload: "what's the status of my dispute"}, {Label: "Talk to a person", Payload: "talk to a person"}}}}}
}

// answer handles a question that is not a dispute: a grounded answer, or an
// honest "I don't know" and the offer of a person.
func answer(s State, t Turn) (State, Plan) {
	if t.Answered {
		s.Clarifications = 0
		return s, Plan{Answer: true}
	}
	if t.NLU.Intent == "small_talk" {
		// Counted like a clarifying question: chit-chat that never gets to the
		// point still reaches a person, not a loop.
		return clarify(s, "Hi! I can help with a problem with a purchase, your payment plan, or questions about how things work. What can I do for you?",
			[]QuickReply{{Label: "Report a problem", Payload: "I have a problem with a purchase"}, {Label: "Talk to a person", Payload: "talk to a person"}},
			"low_confidence")
	}
	// Understood but not in the knowledge base, or not understood at all: the
	// handoff says which, so the agent knows what to look at.
	category := "missing_knowledge"
	if t.NLU.Confidence < 0.5 {
		category = "low_confidence"
	}
	return clarify(s, "I'm not sure I have the right answer for that. Could you put it another way — or would you like a person?",
		[]QuickReply{{Label: "Talk to a person", Payload: "talk to a person"}}, category)
}

// clarify asks again, or hands over after maxClarifications questions.
func clarify(s State, question string, replies []QuickReply, category string) (State, Plan) {
	if s.Clarifications >= maxClarifications {
		return toPerson(s, category, "I couldn't work it out after two tries")
	}
	s.Clarifications++
	return s, Plan{Say: []Reply{{Text: question, QuickReplies: replies}}}
}

func toPerson(s State, category, why string) (State, Plan) {
	req := &EscalateRequest{Category: category, Why: why}
	if s.DisputeID == "" && s.OrderID != "" && s.Reason != "" && category == "customer_request" {
		// The problem and the order are known: open the dispute (payments pause)
		// and let the human-requested rule hand it over.
		s.Phase = PhaseAgent
		return s, Plan{Open: &OpenRequest{OrderID: s.OrderID, Reason: s.Reason, SubReason: s.SubReason,
			Description: strings.Join(s.Facts, "\n"), WantsHuman: true, Confidence: s.Confidence}}
	}
	s.Phase = PhaseAgent
	return s, Plan{Escalate: req}
}

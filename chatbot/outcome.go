package chatbot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/knowledge"
)

// open submits the dispute on the turn's transaction and records what actually
// happened for wording: the reply is built from the dispute as stored, never
// from what the bot hoped would happen.
func (t *turn) open(ctx context.Context, req *OpenRequest, res TurnResult) (TurnResult, error) {
	packet, err := t.packet(ctx, "")
	if err != nil {
		return res, err
	}
	d, err := t.ds.Open(ctx, disputes.OpenInput{CustomerID: t.c.CustomerID, OrderID: req.OrderID,
		Reason: disputes.Reason(req.Reason), SubReason: req.SubReason, Description: req.Description,
		WantsHuman: req.WantsHuman, NLUConfidence: req.Confidence, Actor: "customer:" + t.c.CustomerID, Packet: packet})
	if errors.Is(err, disputes.ErrDisputeExists) {
		return t.alreadyOpen(ctx, req.OrderID, res)
	}
	if err != nil {
		return res, err
	}
	v, err := t.ds.CustomerDispute(ctx, t.c.CustomerID, d.ID)
	if err != nil {
		return res, err
	}
	if t.dec, err = t.ds.LatestDecision(ctx, d.ID); err != nil {
		return res, err
	}
	t.opened = &v
	t.c.DisputeID, t.c.State.DisputeID = d.ID, d.ID
	res.Dispute = &DisputeSummary{ID: d.ID, Status: string(v.Status), Reason: string(v.Reason), PaymentsPaused: v.PaymentsPausedNow}
	if v.Status == disputes.StatusEscalated || v.Status == disputes.StatusAgentReview {
		t.c.Status, t.c.State.Phase = "agent", PhaseAgent
		res.Handoff = &HandoffSummary{Status: "open", ReasonCategory: handoffCategory(t.dec)}
		if cv, err := t.ds.AgentCase(ctx, d.ID); err == nil && cv.Handoff != nil {
			res.Handoff.ID, t.c.HandoffID = cv.Handoff.ID, cv.Handoff.ID
		}
	}
	return res, nil
}

// alreadyOpen handles a problem with an order that already has an open
// dispute (opened earlier in another conversation or in the app): nothing new
// is opened, the conversation follows the existing dispute, and the reply
// says where it stands.
func (t *turn) alreadyOpen(ctx context.Context, orderID string, res TurnResult) (TurnResult, error) {
	all, err := t.ds.CustomerDisputes(ctx, t.c.CustomerID)
	if err != nil {
		return res, err
	}
	for i := range all {
		v := all[i]
		if v.OrderID != orderID || !v.Status.Open() {
			continue
		}
		t.already = &v
		t.c.DisputeID, t.c.State.DisputeID, t.c.State.Phase = v.ID, v.ID, PhaseDispute
		res.Dispute = &DisputeSummary{ID: v.ID, Status: string(v.Status), Reason: string(v.Reason), PaymentsPaused: v.PaymentsPausedNow}
		return res, nil
	}
	return res, disputes.ErrDisputeExists // closed between the insert and the look-up: let the customer retry
}

// alreadyOpenReply tells the customer about the dispute they already have.
func alreadyOpenReply(v disputes.View) Reply {
	var b strings.Builder
	fmt.Fprintf(&b, "You already have a dispute open for this order (%s", v.MerchantName)
	if v.OrderRef != "" {
		fmt.Fprintf(&b, ", order %s", v.OrderRef)
	}
	fmt.Fprintf(&b, "), opened on %s, so I haven't opened another one. %s", v.CreatedAt.Format("2 January"), statusForCustomer(v))
	if v.PaymentsPausedNow {
		b.WriteString(" Your payments on this order stay paused while it's open.")
	}
	return Reply{Text: b.String(), QuickReplies: []QuickReply{
		{Label: "Dispute status", Payload: "what's the status of my dispute"},
		{Label: "Talk to a person", Payload: "talk to a person"}}}
}

// statusForCustomer says where an open dispute stands, in the customer's words.
func statusForCustomer(v disputes.View) string {
	due := ""
	if v.DeadlineAt != nil {
		due = " by " + v.DeadlineAt.Format("2 January")
	}
	switch v.Status {
	case disputes.StatusMerchantWindow:
		return "We've asked the store to respond" + due + "."
	case disputes.StatusMerchantEvidence:
		return "The store has answered, and we're waiting for your side" + due + "."
	case disputes.StatusUnderReview, disputes.StatusSubmitted:
		return "We're reviewing it."
	case disputes.StatusEscalated, disputes.StatusAgentReview:
		return "A specialist is handling it."
	case disputes.StatusDecided:
		return "It has been decided and is being closed."
	}
	return "It's being worked on."
}

// customerWhy says, to the customer, why the rule that decided did what it did.
// (The rules' own explanations are written for the audit log and ops.)
func customerWhy(ruleID string) string {
	switch ruleID {
	case "duplicate":
		return "The same amount was captured twice within a few minutes, so the second charge is refunded."
	case "cancelled-not-refunded":
		return "The store recorded your cancellation but never refunded you, so we've refunded it."
	case "invoice-mismatch":
		return "Your order lines, shipping and discounts add up to less than you were charged, so we've taken off the difference."
	case "small-amount":
		return "The store accepts disputes of this size automatically."
	case "return-delivered":
		return "Your return reached the store, so if they don't confirm or refund by then, we'll decide in your favour."
	case "not-received-no-proof":
		return "Your order is well past its delivery date with no delivery scan. If the store can't prove delivery by then, we'll decide in your favour."
	case "merchant-window":
		return "If they don't sort it out by then, we'll ask you for any evidence you have and review it."
	case "unauthorized":
		return "Because you didn't make this purchase, our fraud team will review it, and your plan stays frozen until they do."
	case "delivered-but-disputed":
		return "The carrier says it was delivered, so a specialist will look at the delivery evidence and your statement."
	case "human-requested":
		return "You asked for a person, so a specialist will take it from here."
	case "complex":
		return "A case like this is always reviewed by a specialist."
	case "lender-billing-error":
		return "A specialist will check our payment records."
	}
	return "A specialist will review it."
}

func handoffCategory(dec disputes.DecisionSummary) string {
	switch dec.RuleID {
	case "human-requested":
		return disputes.CatCustomerRequest
	case "unauthorized":
		return disputes.CatFraud
	}
	return disputes.CatPolicyHuman
}

// outcomeReply tells the customer where their dispute stands, citing the
// policy sections the engine's rule rests on.
func (s *Service) outcomeReply(ctx context.Context, v disputes.View, dec disputes.DecisionSummary) Reply {
	var b strings.Builder
	b.WriteString("I've opened a dispute for your " + v.MerchantName + " order " + v.OrderRef + ". ")
	switch v.Status {
	case disputes.StatusClosedCustomer:
		if v.Outcome == string(disputes.Partial) {
			b.WriteString("It's been decided: your plan is reduced by " + money(v.OutcomeAmount, v.Currency) + ". ")
		} else {
			b.WriteString("It's been decided in your favour: " + money(v.OutcomeAmount, v.Currency) + " is taken off what you owe, and anything you already paid towards it is refunded. ")
		}
		b.WriteString(customerWhy(dec.RuleID))
	case disputes.StatusMerchantWindow:
		b.WriteString("Your remaining payments on it are paused — nothing is due and no late fees while it's open. ")
		if v.DeadlineAt != nil {
			b.WriteString("We've asked " + v.MerchantName + " to respond by " + v.DeadlineAt.Format("2 January") + ". ")
		}
		b.WriteString(customerWhy(dec.RuleID))
	default: // a person decides
		b.WriteString("Your remaining payments on it are paused while it's open. " + customerWhy(dec.RuleID) +
			" I've passed everything you told me to a specialist, so you won't need to repeat it; they'll reply here.")
	}
	template := Reply{Text: strings.TrimSpace(b.String()), Citations: []Citation{}}
	var sources []Source
	for _, id := range dec.Citations {
		if sec, err := s.kb.Section(ctx, id); err == nil { // an id the corpus lacks is never cited
			template.Citations = append(template.Citations, citationFor(id, sec.HeadingPath))
			sources = append(sources, Source{ID: id, Title: sec.HeadingPath, Text: sec.Body})
		}
	}
	decided := ""
	if v.Status == disputes.StatusClosedCustomer {
		decided = v.Outcome
	}
	return s.writer.Write(ctx, Draft{Template: template, Decided: decided, Sources: sources})
}

// escalate hands the conversation to a person, with its transcript.
func (t *turn) escalate(ctx context.Context, req *EscalateRequest, res TurnResult) (TurnResult, error) {
	packet, err := t.packet(ctx, req.Why)
	if err != nil {
		return res, err
	}
	var h disputes.Handoff
	if t.c.DisputeID != "" {
		h, err = t.ds.Escalate(ctx, t.c.DisputeID, disputes.EscalateInput{Category: req.Category, Packet: packet,
			Actor: "customer:" + t.c.CustomerID, ConversationID: t.c.ID})
	} else {
		h, err = t.ds.ConversationHandoff(ctx, disputes.ConversationHandoffInput{CustomerID: t.c.CustomerID,
			ConversationID: t.c.ID, Category: req.Category, Packet: packet})
	}
	if err != nil {
		return res, err
	}
	t.c.Status, t.c.HandoffID, t.handoff = "agent", h.ID, true
	res.Handoff = &HandoffSummary{ID: h.ID, Status: h.Status, ReasonCategory: h.ReasonCategory}
	return res, nil
}

// packet is the chatbot's part of the handoff packet: the transcript and what
// the bot understood.
func (t *turn) packet(ctx context.Context, why string) (map[string]any, error) {
	msgs, err := transcript(ctx, t.tx, t.c.ID)
	if err != nil {
		return nil, err
	}
	st := t.c.State
	summary := "Customer chat"
	if st.Reason != "" {
		summary = "Customer reports that " + reasonPhrase(st.Reason)
	}
	if why != "" {
		summary += " — handed over because " + why
	}
	return map[string]any{"summary": summary, "conversation_id": t.c.ID, "transcript": msgs,
		"bot_understanding": st, "risk_flags": st.Flags}, nil
}

// groundedAnswer answers from the retrieved sections only, citing them.
func (s *Service) groundedAnswer(ctx context.Context, passages []knowledge.Result) Reply {
	template := templateAnswer(passages)
	sources := make([]Source, 0, len(passages))
	for _, p := range passages {
		sources = append(sources, Source{ID: p.SectionID, Title: p.HeadingPath, Text: p.Body})
	}
	return s.writer.Write(ctx, Draft{Template: template, Sources: sources})
}

func templateAnswer(passages []knowledge.Result) Reply {
	top := passages[0]
	text := firstSentences(top.Body, 2)
	cites := []Citation{citationFor(top.SectionID, top.HeadingPath)}
	for _, p := range passages[1:] {
		if len(cites) == 2 {
			break
		}
		if p.SectionID != top.SectionID {
			cites = append(cites, citationFor(p.SectionID, p.HeadingPath))
		}
	}
	return Reply{Text: text, Citations: cites, QuickReplies: []QuickReply{{Label: "That didn't answer it", Payload: "talk to a person"}}}
}

var sentenceEnd = regexp.MustCompile(`[.!?](\s|$)`)

func firstSentences(body string, n int) string {
	body = strings.Join(strings.Fields(body), " ")
	end := 0
	for _, loc := range sentenceEnd.FindAllStringIndex(body, -1) {
		end = loc[1]
		if n--; n == 0 {
			break
		}
	}
	if end == 0 {
		return body
	}
	return strings.TrimSpace(body[:end])
}

// relevant keeps the passages that contain at least half of the question's
// content words: retrieval always returns something, and an answer from an
// unrelated section is worse than "I don't know".
func relevant(question string, res []knowledge.Result) []knowledge.Result {
	words := contentWords(question)
	need := max(1, (len(words)+1)/2)
	var out []knowledge.Result
	for _, r := range res {
		text := strings.ToLower(r.HeadingPath + " " + r.Body)
		hits := 0
		for w := range words {
			if strings.Contains(text, w) {
				hits++
			}
		}
		if hits >= need && len(words) > 0 {
			out = append(out, r)
		}
	}
	return out
}

var stop = map[string]bool{"what": true, "when": true, "where": true, "which": true, "will": true, "with": true,
	"have": true, "does": true, "this": true, "that": true, "your": true, "there": true, "about": true, "would": true,
	"could": true, "should": true, "from": true, "they": true, "them": true, "their": true, "just": true, "been": true,
	"into": true, "also": true, "some": true, "than": true, "then": true, "here": true, "hello": true, "thanks": true,
	"the": true, "and": true, "for": true, "can": true, "how": true, "you": true, "are": true, "was": true, "but": true,
	"not": true, "any": true, "all": true, "our": true, "out": true, "get": true, "has": true, "had": true, "its": true,
	"may": true, "now": true, "one": true, "see": true, "who": true, "why": true, "yes": true, "did": true}

func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		if len(w) >= 3 && !stop[w] {
			out[w[:min(len(w), 6)]] = true // a crude stem: "refunds" and "refunded" meet at "refund"
		}
	}
	return out
}

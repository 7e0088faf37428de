package chatbot

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/settlehq/settle/chatbot/nlu"
)

// Reply is one bot (or agent) message as the API shows it.
type Reply struct {
	Text         string       `json:"text"`
	Citations    []Citation   `json:"citations"`
	QuickReplies []QuickReply `json:"quick_replies"`
}

// Citation points at the policy section a reply rests on.
type Citation struct {
	Document string `json:"document"`
	Section  string `json:"section"`
	URL      string `json:"url"`
	Title    string `json:"title,omitempty"`
}

// QuickReply is a tappable answer; Payload is sent back as the message text.
type QuickReply struct {
	Label   string `json:"label"`
	Payload string `json:"payload"`
}

var reasonPhrases = map[string]string{
	nlu.ReasonRefundNotProcessed:      "you returned or cancelled it and haven't been refunded",
	nlu.ReasonNotReceived:             "it hasn't arrived",
	nlu.ReasonDefective:               "it's faulty or not as described",
	nlu.ReasonIncorrectAmount:         "you were charged the wrong amount",
	nlu.ReasonDuplicateCharge:         "you were charged twice",
	nlu.ReasonUnauthorized:            "you didn't make this purchase",
	nlu.ReasonUnrecognized:            "you don't recognise the charge",
	nlu.ReasonSubscriptionCancelled:   "you cancelled but are still being billed",
	nlu.ReasonInstallmentBillingError: "a payment on your plan was taken or applied wrongly",
	nlu.ReasonOther:                   "something went wrong with it",
}

func reasonPhrase(reason string) string {
	if p, ok := reasonPhrases[reason]; ok {
		return p
	}
	return "something went wrong with it"
}

// factQuestion is the one fact each reason needs that the first message
// rarely gives; "" when none is needed.
func factQuestion(reason string) string {
	switch reason {
	case nlu.ReasonRefundNotProcessed:
		return "When did you send it back (or cancel), and do you have a return tracking number? A rough date is fine."
	case nlu.ReasonNotReceived:
		return "Did any part of the order arrive, or nothing at all?"
	case nlu.ReasonDefective:
		return "What's wrong with it? You can add photos to the dispute afterwards."
	case nlu.ReasonIncorrectAmount:
		return "What amount did you expect to pay?"
	case nlu.ReasonUnauthorized:
		return "Has anyone else had access to your phone, email or card recently? Anything you tell me helps the fraud team."
	}
	return ""
}

var (
	yesWords = regexp.MustCompile(`^(y|yes|yeah|yep|yup|sure|ok|okay|correct|right|please do|do it|go ahead|that'?s (it|right|correct))\b`)
	noWords  = regexp.MustCompile(`^(n|no|nope|nah|not really|wrong|that'?s not (it|right))\b`)
)

func yesNo(text string) string {
	t := strings.ToLower(strings.TrimSpace(text))
	switch {
	case yesWords.MatchString(t):
		return "yes"
	case noWords.MatchString(t):
		return "no"
	}
	return ""
}

func alternativesReplies(r nlu.Result) []QuickReply {
	var out []QuickReply
	for _, a := range append([]nlu.Scored{{Label: r.Reason}}, r.Alternatives...) {
		if a.Label == "" || a.Label == nlu.ReasonNone || len(out) == 3 {
			continue
		}
		out = append(out, QuickReply{Label: "It's that " + reasonPhrase(a.Label), Payload: "I want to report that " + reasonPhrase(a.Label)})
	}
	return append(out, QuickReply{Label: "Talk to a person", Payload: "talk to a person"})
}

func orderReplies(orders []OrderChoice) []QuickReply {
	out := make([]QuickReply, 0, len(orders))
	for _, o := range orders {
		out = append(out, QuickReply{Label: o.Label, Payload: "order:" + o.ID})
	}
	return out
}

func hasOrder(orders []OrderChoice, id string) bool {
	return slices.ContainsFunc(orders, func(o OrderChoice) bool { return o.ID == id })
}

func orderByID(orders []OrderChoice, id string) OrderChoice {
	for _, o := range orders {
		if o.ID == id {
			return o
		}
	}
	return OrderChoice{ID: id, Label: id, Merchant: "the"}
}

func filterOrders(orders []OrderChoice, ids []string) []OrderChoice {
	var out []OrderChoice
	for _, o := range orders {
		if slices.Contains(ids, o.ID) {
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		return orders
	}
	return out
}

func ids(orders []OrderChoice) []string {
	out := make([]string, len(orders))
	for i, o := range orders {
		out[i] = o.ID
	}
	return out
}

func contains(xs []string, x string) bool { return slices.Contains(xs, x) }

// money formats minor units: "$129.00", "£34.99".
func money(amount int64, currency string) string {
	sym := map[string]string{"USD": "$", "GBP": "£", "EUR": "€"}[currency]
	if sym == "" {
		return fmt.Sprintf("%d.%02d %s", amount/100, amount%100, currency)
	}
	return fmt.Sprintf("%s%d.%02d", sym, amount/100, amount%100)
}

// citationFor turns a section id ("returns-and-refunds#4.1") into a citation.
func citationFor(sectionID, title string) Citation {
	doc, sec, _ := strings.Cut(sectionID, "#")
	return Citation{Document: doc, Section: sec, URL: "/policies/" + doc + "#" + sec, Title: title}
}

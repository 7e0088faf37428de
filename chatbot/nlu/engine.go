package nlu

import (
	"context"
	"slices"
	"time"
)

// Engine understands one customer message. Implementations are safe for
// concurrent use and never return an error for anything a customer can type:
// an error means the engine itself could not run (a cancelled context, say).
type Engine interface {
	Parse(ctx context.Context, text string, c Context) (Result, error)
}

// Dispute reasons, as DESIGN.md §3 names them. ReasonNone marks a message that
// is not a dispute.
const (
	ReasonRefundNotProcessed      = "refund_not_processed"
	ReasonNotReceived             = "not_received"
	ReasonDefective               = "defective_or_not_as_described"
	ReasonIncorrectAmount         = "incorrect_amount"
	ReasonDuplicateCharge         = "duplicate_charge"
	ReasonUnauthorized            = "unauthorized"
	ReasonUnrecognized            = "unrecognized"
	ReasonSubscriptionCancelled   = "subscription_cancelled"
	ReasonInstallmentBillingError = "installment_billing_error"
	ReasonOther                   = "other"
	ReasonNone                    = "none"
)

// Reasons lists the dispute reasons in DESIGN.md's order (without ReasonNone).
var Reasons = []string{
	ReasonRefundNotProcessed, ReasonNotReceived, ReasonDefective, ReasonIncorrectAmount,
	ReasonDuplicateCharge, ReasonUnauthorized, ReasonUnrecognized,
	ReasonSubscriptionCancelled, ReasonInstallmentBillingError, ReasonOther,
}

// SubReasons lists, per reason, the sub-reasons the labelled data uses. A
// reason missing here has no sub-reason ("").
var SubReasons = map[string][]string{
	ReasonRefundNotProcessed: {"return_not_registered", "cancelled_not_refunded", "partial_refund"},
	ReasonNotReceived:        {"none", "partial", "late"},
	ReasonDefective:          {"damaged", "wrong_item", "not_as_described", "counterfeit"},
	ReasonIncorrectAmount:    {"wrong_price", "missing_discount", "unexpected_fee", "paid_merchant_directly"},
}

// Intents lists what a message that is not a dispute may be about.
var Intents = []string{
	"due_dates", "how_pay_in_4_works", "pay_in_30", "payment_method", "pay_early",
	"delivery_status", "return_how", "account", "hardship", "late_fee_question",
	"dispute_status", "refund_timing", "small_talk", "other_question", "human",
}

// ValidReason reports whether r is a dispute reason or ReasonNone.
func ValidReason(r string) bool { return r == ReasonNone || slices.Contains(Reasons, r) }

// ValidSubReason reports whether sub may accompany reason ("" always may).
func ValidSubReason(reason, sub string) bool {
	return sub == "" || slices.Contains(SubReasons[reason], sub)
}

// Result is what an engine understood. It proposes; the dialogue policy and the
// disputes policy engine decide (DESIGN.md §1): nothing here moves money.
type Result struct {
	IsDispute  bool    `json:"is_dispute"`
	Reason     string  `json:"reason"`     // one of Reasons, or ReasonNone
	SubReason  string  `json:"sub_reason"` // one of SubReasons[Reason], or ""
	Confidence float64 `json:"confidence"` // probability of Reason, in [0, 1]
	Slots      Slots   `json:"slots"`
	WantsHuman bool    `json:"wants_human"`
	// InjectionSuspected flags text that tries to instruct the bot; the
	// message is still triaged as data.
	InjectionSuspected bool     `json:"injection_suspected"`
	InjectionSignals   []string `json:"injection_signals,omitempty"`
	// Intent is what a non-dispute is about (one of Intents); "" for disputes.
	Intent string `json:"intent"`
	// Alternatives are the next most likely reasons, for "did you mean…?".
	Alternatives []Scored `json:"alternatives,omitempty"`
	// Engine says who answered: "local", "llm", or "local-fallback" when the
	// model failed and the local engine stood in.
	Engine        string `json:"engine"`
	FallbackCause string `json:"fallback_cause,omitempty"`
}

// Scored is a label with its probability.
type Scored struct {
	Label string  `json:"label"`
	P     float64 `json:"p"`
}

// Slots are the facts a message states. Money is in minor units with an ISO
// currency, as everywhere in the API. Every slot is a hint for finding the
// order and filling the dispute; none is ever trusted for an amount to pay.
type Slots struct {
	OrderRef string   `json:"order_ref,omitempty"` // as written: "100234", "NOR-JACKET-1"
	OrderID  string   `json:"order_id,omitempty"`  // the Context order it resolved to
	Merchant string   `json:"merchant,omitempty"`
	Amount   int64    `json:"amount,omitempty"`
	Currency string   `json:"currency,omitempty"`
	Amounts  []Money  `json:"amounts,omitempty"` // every amount, in order of mention
	Dates    []string `json:"dates,omitempty"`   // YYYY-MM-DD, resolved against Context.Now
	Item     string   `json:"item,omitempty"`
	// Candidates are the Context orders the message could be about, best
	// first, when it names something but not exactly one order.
	Candidates []string `json:"candidates,omitempty"`
}

// Money is an amount in minor units.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency,omitempty"` // "" when the text gave none
}

// Context is what the conversation knows besides the message.
type Context struct {
	// Now resolves relative dates ("yesterday", "last Tuesday"). The zero
	// time leaves relative dates out. Engines never read the clock.
	Now time.Time
	// Currency is the customer's default, for amounts written without one.
	Currency string
	// Orders are the customer's recent orders, to match slots against.
	Orders []Order
	// Previous is the previous turn's result, if any. The LLM engine shows
	// the model its reason; the local engine reads each message on its own
	// and leaves the conversation's state to the dialogue policy.
	Previous *Result
}

// Order is one of the customer's orders as the NLU sees it.
type Order struct {
	ID          string    `json:"id"`
	MerchantRef string    `json:"merchant_ref,omitempty"` // the merchant's order number
	Merchant    string    `json:"merchant"`
	Items       []string  `json:"items,omitempty"`
	Amount      int64     `json:"amount"`
	Currency    string    `json:"currency"`
	CapturedAt  time.Time `json:"captured_at"`
}

package disputes

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// PolicyVersion names the rule set as a whole; each rule also has its own
// version. A decision records both, so it can always be explained and replayed.
const PolicyVersion = "2026-10-01"

// Case is everything the policy engine may look at: a pure snapshot, built by
// the service from the database. The engine reads nothing else — not the
// clock (Now is an input), not the database.
type Case struct {
	Reason         Reason `json:"reason"`
	SubReason      string `json:"sub_reason"`
	Market         string `json:"market"`
	Currency       string `json:"currency"`
	DisputedAmount int64  `json:"disputed_amount"`
	// Stage is "opened" when the dispute is first submitted, "evidence_closed"
	// when the evidence stage has ended and a decision is due.
	Stage         string    `json:"stage"`
	WantsHuman    bool      `json:"wants_human"`
	NLUConfidence float64   `json:"nlu_confidence"` // 0 when not reported through the chatbot
	Now           time.Time `json:"now"`

	Terms      MarketTerms    `json:"terms"`
	Order      OrderFacts     `json:"order"`
	Duplicates []CaptureFacts `json:"duplicates"` // other captures: same merchant, customer and amount, within 10 minutes
	Customer   CustomerFacts  `json:"customer"`
	Merchant   MerchantFacts  `json:"merchant"`
	Evidence   EvidenceFacts  `json:"evidence"`
}

// MarketTerms are the market's configurable policy values (deadline_policies
// and thresholds) in force for the case.
type MarketTerms struct {
	MerchantResponseDays int   `json:"merchant_response_days"`
	HighAmount           int64 `json:"high_amount"` // orders at or above it are complex (how-we-decide#4.3)
}

// OrderFacts are the disputed order's facts, from the merchant's events.
type OrderFacts struct {
	CapturedAmount     int64      `json:"captured_amount"`
	ExpectedTotal      int64      `json:"expected_total"` // lines + shipping − discounts
	RefundedTotal      int64      `json:"refunded_total"`
	CapturedAt         time.Time  `json:"captured_at"`
	ExpectedDeliveryBy *time.Time `json:"expected_delivery_by"`
	ShippedAt          *time.Time `json:"shipped_at"`
	DeliveredAt        *time.Time `json:"delivered_at"`
	ReturnShippedAt    *time.Time `json:"return_shipped_at"`
	ReturnReceivedAt   *time.Time `json:"return_received_at"`
	CancelledAt        *time.Time `json:"cancelled_at"`
}

// CaptureFacts describes another capture that may duplicate this one.
type CaptureFacts struct {
	OrderID    string    `json:"order_id"`
	Amount     int64     `json:"amount"`
	CapturedAt time.Time `json:"captured_at"`
}

// CustomerFacts are what the engine knows of the customer.
type CustomerFacts struct {
	DisputesLast90Days int  `json:"disputes_last_90_days"` // counting this one
	MaxDaysOverdue     int  `json:"max_days_overdue"`
	Restricted         bool `json:"restricted"`
	Vulnerable         bool `json:"vulnerable"`
}

// GoodStanding is how-we-decide#3: nothing more than 14 days overdue, no
// restriction, fewer than 3 disputes in 90 days.
func (c CustomerFacts) GoodStanding() bool {
	return c.MaxDaysOverdue <= 14 && !c.Restricted && c.DisputesLast90Days < 3
}

// MerchantFacts are the merchant's settings the rules read.
type MerchantFacts struct {
	AutoAcceptThreshold int64 `json:"auto_accept_threshold"`
}

// EvidenceFacts say what each side has said once the evidence stage ends.
type EvidenceFacts struct {
	MerchantResponded bool `json:"merchant_responded"`
	MerchantContested bool `json:"merchant_contested"`
	CustomerEvidence  bool `json:"customer_evidence"`
	Conflicting       bool `json:"conflicting"`
}

// Action is what a decision does.
type Action string

const (
	ActResolve         Action = "resolve"          // settle now with Outcome and Amount
	ActRequestMerchant Action = "request_merchant" // ask the merchant to respond within MerchantDays
	ActEscalate        Action = "escalate"         // a human decides; Category says why
	ActNone            Action = "none"             // no rule applied (only the no-op baseline)
)

// Outcome is how a dispute ends.
type Outcome string

const (
	CustomerFavor Outcome = "customer_favor"
	MerchantFavor Outcome = "merchant_favor"
	Partial       Outcome = "partial"
)

// Handoff reason categories (DESIGN.md §4).
const (
	CatCustomerRequest  = "customer_request"
	CatPolicyHuman      = "policy_requires_human"
	CatLowConfidence    = "low_confidence"
	CatMissingKnowledge = "missing_knowledge"
	CatFraud            = "fraud"
	CatVulnerable       = "vulnerable_customer"
	CatToolFailure      = "tool_failure"
	CatOverturned       = "review_overturned"
)

// Decision is the engine's answer for one Case.
type Decision struct {
	RuleID        string   `json:"rule_id"`
	RuleVersion   string   `json:"rule_version"`
	PolicyVersion string   `json:"policy_version"`
	Citations     []string `json:"citations"`
	InputHash     string   `json:"input_hash"`
	DecidedBy     string   `json:"decided_by"`

	Action            Action   `json:"action"`
	Outcome           Outcome  `json:"outcome,omitempty"`
	Amount            int64    `json:"amount,omitempty"`
	MerchantDays      int      `json:"merchant_days,omitempty"`
	OnMerchantSilence Outcome  `json:"on_merchant_silence,omitempty"` // "" = ask the customer for evidence
	Category          string   `json:"category,omitempty"`
	Recommendation    Outcome  `json:"recommendation,omitempty"` // for humans: what the rules would do
	RiskFlags         []string `json:"risk_flags,omitempty"`
	Explanation       string   `json:"explanation"`
}

// Rule is one policy rule as data: when it applies, what it does, and the
// policy sections it rests on.
type Rule struct {
	ID      string
	Version string
	Reasons []Reason // empty: any reason
	Stage   string   // "opened" or "evidence_closed"
	Cites   []string
	When    func(Case) bool
	Then    func(Case) Decision
}

// Engine evaluates an ordered rule set. It is immutable and safe for
// concurrent use.
type Engine struct {
	rules   []Rule
	version string
}

// NewEngine returns an engine over rules, evaluated in order.
func NewEngine(rules []Rule) *Engine { return &Engine{rules: rules, version: PolicyVersion} }

// Rules returns the engine's rules.
func (e *Engine) Rules() []Rule { return e.rules }

// Decide returns the first matching rule's decision. It is pure: the same Case
// always gives the same Decision, byte for byte.
func (e *Engine) Decide(c Case) Decision {
	hash := HashCase(c)
	for _, r := range e.rules {
		if r.Stage != c.Stage || !r.appliesTo(c.Reason) || !r.When(c) {
			continue
		}
		d := r.Then(c)
		d.RuleID, d.RuleVersion, d.PolicyVersion = r.ID, r.Version, e.version
		d.Citations, d.InputHash, d.DecidedBy = r.Cites, hash, "rule"
		return d
	}
	return Decision{Action: ActNone, PolicyVersion: e.version, InputHash: hash, DecidedBy: "rule",
		Explanation: "no rule applies"}
}

func (r Rule) appliesTo(reason Reason) bool {
	if len(r.Reasons) == 0 {
		return true
	}
	for _, x := range r.Reasons {
		if x == reason {
			return true
		}
	}
	return false
}

// HashCase is the SHA-256 of the case's canonical JSON: it identifies the exact
// inputs a decision was made on.
func HashCase(c Case) string {
	b, err := json.Marshal(c)
	if err != nil {
		panic("disputes: case does not marshal: " + err.Error()) // only plain data: cannot happen
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

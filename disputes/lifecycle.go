package disputes

import (
	"fmt"

	"github.com/settlehq/settle/internal/errs"
)

// Status is where a dispute stands (DESIGN.md §3).
type Status string

const (
	StatusIntake           Status = "intake"            // facts being collected; nothing paused yet
	StatusSubmitted        Status = "submitted"         // payments paused; the engine decides next
	StatusMerchantWindow   Status = "merchant_window"   // the merchant is asked to respond by a deadline
	StatusMerchantEvidence Status = "merchant_evidence" // evidence stage: the customer is asked to answer by a deadline
	StatusUnderReview      Status = "under_review"      // evidence is in; a decision is due
	StatusAgentReview      Status = "agent_review"      // fraud review: a human owns it from the start
	StatusEscalated        Status = "escalated"         // a human owns it
	StatusDecided          Status = "decided"           // outcome recorded; closing applies it
	StatusClosedCustomer   Status = "closed_customer_favor"
	StatusClosedMerchant   Status = "closed_merchant_favor"
	StatusResolvedMerchant Status = "resolved_by_merchant"
	StatusWithdrawn        Status = "withdrawn"
)

// Step is something that moves a dispute from one status to another.
type Step string

const (
	StepSubmit          Step = "submit"
	StepRequestMerchant Step = "request_merchant"
	StepFraudReview     Step = "fraud_review"
	StepEscalate        Step = "escalate"
	StepMerchantResolve Step = "merchant_resolve"  // merchant accepted or refunded
	StepMerchantContest Step = "merchant_contest"  // merchant contested with evidence
	StepWindowElapsed   Step = "window_elapsed"    // merchant silent on a standard window: ask the customer
	StepCustomerAnswer  Step = "customer_evidence" // the customer's evidence arrived
	StepEvidenceElapsed Step = "evidence_elapsed"  // the evidence deadline passed
	StepDecide          Step = "decide"            // an outcome is decided (by a rule or an agent)
	StepCloseCustomer   Step = "close_customer"    // applied in the customer's favour (fully or partly)
	StepCloseMerchant   Step = "close_merchant"    // applied in the merchant's favour
	StepWithdraw        Step = "withdraw"          // the customer withdrew
	StepReopen          Step = "reopen"            // ops overturned the outcome: a human decides again
)

// transitions is the whole lifecycle: from each status, the steps allowed and
// where they lead. Anything not listed is illegal.
var transitions = map[Status]map[Step]Status{
	StatusIntake: {StepSubmit: StatusSubmitted, StepWithdraw: StatusWithdrawn},
	StatusSubmitted: {StepRequestMerchant: StatusMerchantWindow, StepFraudReview: StatusAgentReview,
		StepEscalate: StatusEscalated, StepDecide: StatusDecided},
	StatusMerchantWindow: {StepMerchantResolve: StatusResolvedMerchant, StepMerchantContest: StatusMerchantEvidence,
		StepWindowElapsed: StatusMerchantEvidence, StepDecide: StatusDecided, StepWithdraw: StatusWithdrawn,
		StepEscalate: StatusEscalated},
	StatusMerchantEvidence: {StepCustomerAnswer: StatusUnderReview, StepEvidenceElapsed: StatusUnderReview,
		StepMerchantResolve: StatusResolvedMerchant, StepWithdraw: StatusWithdrawn, StepEscalate: StatusEscalated},
	StatusUnderReview: {StepDecide: StatusDecided, StepEscalate: StatusEscalated, StepWithdraw: StatusWithdrawn,
		StepMerchantResolve: StatusResolvedMerchant},
	StatusAgentReview:      {StepDecide: StatusDecided, StepWithdraw: StatusWithdrawn},
	StatusEscalated:        {StepDecide: StatusDecided, StepWithdraw: StatusWithdrawn, StepMerchantResolve: StatusResolvedMerchant},
	StatusDecided:          {StepCloseCustomer: StatusClosedCustomer, StepCloseMerchant: StatusClosedMerchant},
	StatusClosedCustomer:   {StepReopen: StatusEscalated},
	StatusClosedMerchant:   {StepReopen: StatusEscalated},
	StatusResolvedMerchant: {StepReopen: StatusEscalated},
}

// ErrIllegalTransition is returned for a step the lifecycle does not allow.
type ErrIllegalTransition struct {
	From Status
	Step Step
}

func (e ErrIllegalTransition) Error() string {
	return fmt.Sprintf("a dispute that is %s cannot %s", e.From, e.Step)
}

// Next returns where step leads from status, or an error (a 409 over HTTP) if
// the lifecycle does not allow it. It is pure.
func Next(from Status, step Step) (Status, error) {
	if to, ok := transitions[from][step]; ok {
		return to, nil
	}
	illegal := ErrIllegalTransition{From: from, Step: step}
	return from, &errs.Error{Kind: errs.Conflict, Code: "illegal_transition", Message: illegal.Error()}
}

// Open reports whether the dispute is still in progress.
func (s Status) Open() bool {
	switch s {
	case StatusClosedCustomer, StatusClosedMerchant, StatusResolvedMerchant, StatusWithdrawn:
		return false
	}
	return true
}

// HumanOwned reports whether an agent, not the engine, decides from here.
func (s Status) HumanOwned() bool {
	return s == StatusEscalated || s == StatusAgentReview || s == StatusUnderReview
}

// Statuses returns every status.
func Statuses() []Status {
	return []Status{StatusIntake, StatusSubmitted, StatusMerchantWindow, StatusMerchantEvidence, StatusUnderReview,
		StatusAgentReview, StatusEscalated, StatusDecided, StatusClosedCustomer, StatusClosedMerchant,
		StatusResolvedMerchant, StatusWithdrawn}
}

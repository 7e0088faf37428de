package disputes

import (
	"errors"
	"testing"

	"github.com/settlehq/settle/internal/errs"
)

func TestNextAllowsExactlyTheLifecycle(t *testing.T) {
	legal := []struct {
		from Status
		step Step
		to   Status
	}{
		{StatusIntake, StepSubmit, StatusSubmitted},
		{StatusSubmitted, StepRequestMerchant, StatusMerchantWindow},
		{StatusSubmitted, StepFraudReview, StatusAgentReview},
		{StatusSubmitted, StepEscalate, StatusEscalated},
		{StatusSubmitted, StepDecide, StatusDecided},
		{StatusMerchantWindow, StepMerchantResolve, StatusResolvedMerchant},
		{StatusMerchantWindow, StepMerchantContest, StatusMerchantEvidence},
		{StatusMerchantWindow, StepWindowElapsed, StatusMerchantEvidence},
		{StatusMerchantWindow, StepWithdraw, StatusWithdrawn},
		{StatusMerchantEvidence, StepCustomerAnswer, StatusUnderReview},
		{StatusMerchantEvidence, StepEvidenceElapsed, StatusUnderReview},
		{StatusUnderReview, StepDecide, StatusDecided},
		{StatusUnderReview, StepEscalate, StatusEscalated},
		{StatusAgentReview, StepDecide, StatusDecided},
		{StatusEscalated, StepDecide, StatusDecided},
		{StatusDecided, StepCloseCustomer, StatusClosedCustomer},
		{StatusDecided, StepCloseMerchant, StatusClosedMerchant},
		{StatusClosedCustomer, StepReopen, StatusEscalated},
		{StatusClosedMerchant, StepReopen, StatusEscalated},
	}
	for _, tt := range legal {
		t.Run(string(tt.from)+" "+string(tt.step), func(t *testing.T) {
			got, err := Next(tt.from, tt.step)
			if err != nil || got != tt.to {
				t.Fatalf("got %s, %v; want %s", got, err, tt.to)
			}
		})
	}
	illegal := []struct {
		from Status
		step Step
	}{
		{StatusIntake, StepDecide},
		{StatusSubmitted, StepSubmit},
		{StatusMerchantWindow, StepCloseCustomer},
		{StatusAgentReview, StepRequestMerchant},
		{StatusWithdrawn, StepWithdraw},
		{StatusWithdrawn, StepReopen},
		{StatusClosedCustomer, StepWithdraw},
		{StatusClosedMerchant, StepDecide},
		{StatusResolvedMerchant, StepMerchantContest},
		{StatusDecided, StepWithdraw},
		{StatusUnderReview, StepMerchantContest},
	}
	for _, tt := range illegal {
		t.Run("refuses "+string(tt.from)+" "+string(tt.step), func(t *testing.T) {
			got, err := Next(tt.from, tt.step)
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.Conflict || got != tt.from {
				t.Fatalf("got %s, %v; want a conflict and no move", got, err)
			}
		})
	}
	t.Run("closed statuses are not open", func(t *testing.T) {
		for _, s := range Statuses() {
			_, canReopen := transitions[s][StepReopen]
			if canReopen && s.Open() {
				t.Errorf("%s can be reopened but counts as open", s)
			}
		}
	})
}

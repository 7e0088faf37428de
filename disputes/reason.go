package disputes

// Reason is why a customer disputes a purchase (DESIGN.md §3), modelled on
// Klarna's dispute reasons, Stripe's and the card networks' codes.
type Reason string

const (
	RefundNotProcessed      Reason = "refund_not_processed"
	NotReceived             Reason = "not_received"
	DefectiveOrNotAsDescr   Reason = "defective_or_not_as_described"
	IncorrectAmount         Reason = "incorrect_amount"
	DuplicateCharge         Reason = "duplicate_charge"
	Unauthorized            Reason = "unauthorized"
	Unrecognized            Reason = "unrecognized"
	SubscriptionCancelled   Reason = "subscription_cancelled"
	InstallmentBillingError Reason = "installment_billing_error"
	OtherReason             Reason = "other"
)

// subReasons lists each reason's sub-reasons; "" is always allowed.
var subReasons = map[Reason][]string{
	RefundNotProcessed:      {"return_not_registered", "cancelled_not_refunded", "partial_refund"},
	NotReceived:             {"none", "partial", "late"},
	DefectiveOrNotAsDescr:   {"damaged", "wrong_item", "not_as_described", "counterfeit"},
	IncorrectAmount:         {"wrong_price", "missing_discount", "unexpected_fee", "paid_merchant_directly"},
	DuplicateCharge:         nil,
	Unauthorized:            nil,
	Unrecognized:            nil,
	SubscriptionCancelled:   nil,
	InstallmentBillingError: {"payment_not_applied", "collected_twice", "fee_while_paused", "wrong_schedule"},
	OtherReason:             nil,
}

// Reasons returns every reason, in a stable order.
func Reasons() []Reason {
	return []Reason{RefundNotProcessed, NotReceived, DefectiveOrNotAsDescr, IncorrectAmount, DuplicateCharge,
		Unauthorized, Unrecognized, SubscriptionCancelled, InstallmentBillingError, OtherReason}
}

// Valid reports whether r is a known reason.
func (r Reason) Valid() bool {
	_, ok := subReasons[r]
	return ok
}

// ValidSub reports whether sub is a sub-reason of r ("" always is).
func (r Reason) ValidSub(sub string) bool {
	if sub == "" {
		return true
	}
	for _, s := range subReasons[r] {
		if s == sub {
			return true
		}
	}
	return false
}

// SubReasons returns r's sub-reasons.
func (r Reason) SubReasons() []string { return subReasons[r] }

// AgainstMerchant reports whether the merchant answers for this reason. An
// installment billing error is the lender's own mistake: no merchant is asked.
func (r Reason) AgainstMerchant() bool { return r != InstallmentBillingError }

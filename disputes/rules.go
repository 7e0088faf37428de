package disputes

import (
	"fmt"
	"time"
)

const day = 24 * time.Hour

// StarterRules is the rule set of DESIGN.md §3 as data, in evaluation order.
// Order matters: a person is always one request away and fraud always goes to
// a person; rules that settle a case fully in the customer's favour come
// before the complex-case check (how-we-decide#4.3: "unless an automatic rule
// has already settled the case fully in your favour"); requests to the
// merchant come after it. Automatic rules never decide against the customer.
func StarterRules() []Rule {
	return []Rule{
		{ID: "human-requested", Version: "1", Stage: "opened",
			Cites: []string{"how-we-decide#4.1", "chat-assistant-and-human-help#3.1"},
			When:  func(c Case) bool { return c.WantsHuman },
			Then: func(c Case) Decision {
				return escalate(CatCustomerRequest, "The customer asked for a person.")
			}},
		{ID: "unauthorized", Version: "1", Stage: "opened", Reasons: []Reason{Unauthorized},
			Cites: []string{"how-we-decide#4.2", "unauthorized-purchases-and-identity-theft#3.1", "payment-pause#4.3"},
			When:  func(Case) bool { return true },
			Then: func(c Case) Decision {
				d := escalate(CatFraud, "Reported as unauthorized: fraud review by a person; the plan stays frozen.")
				d.RiskFlags = []string{"fraud_report", "plan_frozen"}
				return d
			}},
		{ID: "duplicate", Version: "1", Stage: "opened", Reasons: []Reason{DuplicateCharge},
			Cites: []string{"how-we-decide#2.1", "duplicate-charges-and-incorrect-invoices#2.1"},
			When:  isDuplicate,
			Then: func(c Case) Decision {
				return resolve(CustomerFavor, outstanding(c), fmt.Sprintf(
					"The merchant captured the same amount twice within 10 minutes (also order %s): the duplicate is refunded.", c.Duplicates[0].OrderID))
			}},
		{ID: "cancelled-not-refunded", Version: "1", Stage: "opened", Reasons: []Reason{RefundNotProcessed, SubscriptionCancelled},
			Cites: []string{"how-we-decide#2.2", "returns-and-refunds#6.2"},
			When:  func(c Case) bool { return c.Order.CancelledAt != nil && c.Order.RefundedTotal == 0 },
			Then: func(c Case) Decision {
				return resolve(CustomerFavor, outstanding(c), "The merchant recorded the cancellation but no refund: the order is refunded.")
			}},
		{ID: "invoice-mismatch", Version: "1", Stage: "opened", Reasons: []Reason{IncorrectAmount},
			Cites: []string{"how-we-decide#2.3", "duplicate-charges-and-incorrect-invoices#4.1"},
			When:  func(c Case) bool { return c.Order.CapturedAmount > c.Order.ExpectedTotal && c.Order.ExpectedTotal > 0 },
			Then: func(c Case) Decision {
				over := c.Order.CapturedAmount - c.Order.ExpectedTotal
				return resolve(Partial, min(over, outstanding(c)), fmt.Sprintf(
					"The order lines, shipping and discounts come to %d but %d was charged: the plan is reduced by the difference.",
					c.Order.ExpectedTotal, c.Order.CapturedAmount))
			}},
		{ID: "small-amount", Version: "1", Stage: "opened",
			Cites: []string{"how-we-decide#2.6", "merchant-obligations#6"},
			When: func(c Case) bool {
				return c.Reason.AgainstMerchant() && c.Merchant.AutoAcceptThreshold > 0 &&
					c.DisputedAmount <= c.Merchant.AutoAcceptThreshold && c.Customer.GoodStanding()
			},
			Then: func(c Case) Decision {
				return resolve(CustomerFavor, c.DisputedAmount, "The amount is within the merchant's automatic-acceptance threshold and the customer is in good standing.")
			}},
		{ID: "complex", Version: "1", Stage: "opened",
			Cites: []string{"how-we-decide#4.3"},
			When:  func(c Case) bool { return len(complexFlags(c)) > 0 },
			Then: func(c Case) Decision {
				flags := complexFlags(c)
				d := escalate(complexCategory(c), "A person decides complex cases: "+joinFlags(flags)+".")
				d.RiskFlags = flags
				return d
			}},
		{ID: "return-delivered", Version: "1", Stage: "opened", Reasons: []Reason{RefundNotProcessed},
			Cites: []string{"how-we-decide#2.4", "returns-and-refunds#4.1", "merchant-obligations#3.3"},
			When: func(c Case) bool {
				r := c.Order.ReturnReceivedAt
				return r != nil && !c.Now.Before(r.Add(3*day)) && c.Order.RefundedTotal < c.Order.CapturedAmount
			},
			Then: func(c Case) Decision {
				return requestMerchant(7, CustomerFavor, "The return was delivered to the merchant at least 3 days ago with no refund: the merchant has 7 days to confirm or refund; silence decides for the customer.")
			}},
		{ID: "not-received-no-proof", Version: "1", Stage: "opened", Reasons: []Reason{NotReceived},
			Cites: []string{"how-we-decide#2.5", "items-not-received#3.2", "merchant-obligations#3.4"},
			When: func(c Case) bool {
				e := c.Order.ExpectedDeliveryBy
				return e != nil && c.Order.DeliveredAt == nil && !c.Now.Before(e.Add(5*day))
			},
			Then: func(c Case) Decision {
				return requestMerchant(21, CustomerFavor, "More than 5 days past the expected delivery with no delivery scan: the merchant has 21 days to prove delivery; no proof decides for the customer.")
			}},
		{ID: "delivered-but-disputed", Version: "1", Stage: "opened", Reasons: []Reason{NotReceived},
			Cites: []string{"how-we-decide#4.4", "items-not-received#4.2"},
			When:  func(c Case) bool { return c.Order.DeliveredAt != nil },
			Then: func(c Case) Decision {
				d := escalate(CatPolicyHuman, "The carrier reports the parcel delivered but the customer says it did not arrive: the customer's statement is requested and a person decides.")
				d.RiskFlags = []string{"carrier_says_delivered", "customer_statement_requested"}
				return d
			}},
		{ID: "lender-billing-error", Version: "1", Stage: "opened", Reasons: []Reason{InstallmentBillingError},
			Cites: []string{"billing-errors#4", "billing-errors#2.4"},
			When:  func(Case) bool { return true },
			Then: func(c Case) Decision {
				return escalate(CatPolicyHuman, "An installment billing error is the lender's own mistake: a person checks the payment records.")
			}},
		{ID: "merchant-window", Version: "1", Stage: "opened",
			Cites: []string{"how-disputes-work#4.2", "merchant-obligations#3.1"},
			When:  func(Case) bool { return true },
			Then: func(c Case) Decision {
				return requestMerchant(c.Terms.MerchantResponseDays, "", "The merchant has the standard response window; if it does not resolve the dispute, the customer is asked for evidence.")
			}},
		{ID: "evidence-merchant-silent", Version: "1", Stage: "evidence_closed",
			Cites: []string{"merchant-obligations#3.6"},
			When:  func(c Case) bool { return !c.Evidence.MerchantContested },
			Then: func(c Case) Decision {
				return resolve(CustomerFavor, c.DisputedAmount, "The merchant did not contest the dispute within its window: decided for the customer.")
			}},
		{ID: "evidence-review", Version: "1", Stage: "evidence_closed",
			Cites: []string{"how-we-decide#4.3", "evidence-requirements#6.1"},
			When:  func(Case) bool { return true },
			Then: func(c Case) Decision {
				d := escalate(CatPolicyHuman, "The merchant contested with evidence: a person weighs both sides.")
				if !c.Evidence.CustomerEvidence {
					d.Recommendation = MerchantFavor
					d.Explanation = "The merchant contested with evidence and the customer sent none by the deadline: a person decides (rules never decide against the customer)."
				}
				return d
			}},
	}
}

func resolve(o Outcome, amount int64, why string) Decision {
	return Decision{Action: ActResolve, Outcome: o, Amount: amount, Explanation: why}
}

func escalate(category, why string) Decision {
	return Decision{Action: ActEscalate, Category: category, Explanation: why}
}

func requestMerchant(days int, onSilence Outcome, why string) Decision {
	return Decision{Action: ActRequestMerchant, MerchantDays: days, OnMerchantSilence: onSilence, Explanation: why}
}

// outstanding is what can still be given back on the order.
func outstanding(c Case) int64 { return c.Order.CapturedAmount - c.Order.RefundedTotal }

func isDuplicate(c Case) bool {
	for _, d := range c.Duplicates {
		gap := d.CapturedAt.Sub(c.Order.CapturedAt)
		if d.Amount == c.Order.CapturedAmount && gap <= 10*time.Minute && gap >= -10*time.Minute {
			return true
		}
	}
	return false
}

func complexFlags(c Case) []string {
	var f []string
	if c.Terms.HighAmount > 0 && c.Order.CapturedAmount >= c.Terms.HighAmount {
		f = append(f, "high_amount")
	}
	if c.Evidence.Conflicting {
		f = append(f, "conflicting_evidence")
	}
	if c.Customer.DisputesLast90Days >= 3 {
		f = append(f, "repeat_disputes")
	}
	if c.Customer.Vulnerable {
		f = append(f, "vulnerable_customer")
	}
	if c.NLUConfidence > 0 && c.NLUConfidence < 0.5 {
		f = append(f, "low_confidence")
	}
	return f
}

func complexCategory(c Case) string {
	switch {
	case c.Customer.Vulnerable:
		return CatVulnerable
	case c.NLUConfidence > 0 && c.NLUConfidence < 0.5:
		return CatLowConfidence
	}
	return CatPolicyHuman
}

func joinFlags(f []string) string {
	s := ""
	for i, x := range f {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s
}

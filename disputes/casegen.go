package disputes

import (
	"math/rand/v2"
	"time"
)

// GenerateCases makes n varied cases deterministically from seed: every
// reason, stage and boundary the rules look at.
func GenerateCases(seed uint64, n int) []Case {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(seed, 7))
	maybe := func(p float64, d time.Duration) *time.Time {
		if r.Float64() < p {
			return ptrTime(now.Add(-d - time.Duration(r.IntN(96))*time.Hour))
		}
		return nil
	}
	out := make([]Case, n)
	for i := range out {
		c := sampleCase(Reasons()[r.IntN(len(Reasons()))], now)
		c.Order.CapturedAmount = int64(500 + r.IntN(200000))
		c.Order.ExpectedTotal = c.Order.CapturedAmount - int64(r.IntN(3))*int64(r.IntN(2000))
		c.DisputedAmount = max(1, c.Order.CapturedAmount-int64(r.IntN(2))*int64(r.IntN(400)))
		c.Order.DeliveredAt, c.Order.ReturnReceivedAt = maybe(0.5, 10*day), maybe(0.3, 2*day)
		c.Order.CancelledAt, c.Order.ExpectedDeliveryBy = maybe(0.15, 5*day), maybe(0.9, 3*day)
		c.Order.RefundedTotal = int64(r.IntN(3)) * int64(r.IntN(1000))
		c.WantsHuman, c.NLUConfidence = r.IntN(12) == 0, float64(r.IntN(101))/100
		c.Customer = CustomerFacts{DisputesLast90Days: 1 + r.IntN(4), MaxDaysOverdue: r.IntN(20), Vulnerable: r.IntN(15) == 0}
		c.Merchant.AutoAcceptThreshold = int64(r.IntN(4)) * 1500
		if r.IntN(5) == 0 {
			c.Duplicates = []CaptureFacts{{OrderID: "ord_dup", Amount: c.Order.CapturedAmount,
				CapturedAt: c.Order.CapturedAt.Add(time.Duration(r.IntN(900)) * time.Second)}}
		}
		if r.IntN(4) == 0 {
			c.Stage = "evidence_closed"
			c.Evidence = EvidenceFacts{MerchantContested: r.IntN(2) == 0, CustomerEvidence: r.IntN(2) == 0}
		}
		out[i] = c
	}
	return out
}

// sampleCase is an ordinary opened case that only the standard merchant window
// matches; GenerateCases varies it.
func sampleCase(reason Reason, now time.Time) Case {
	return Case{
		Reason: reason, Market: "US", Currency: "USD", DisputedAmount: 12000, Stage: "opened", Now: now,
		Terms: MarketTerms{MerchantResponseDays: 21, HighAmount: 100000},
		Order: OrderFacts{CapturedAmount: 12000, ExpectedTotal: 12000, CapturedAt: now.Add(-30 * day),
			ExpectedDeliveryBy: ptrTime(now.Add(-20 * day)), ShippedAt: ptrTime(now.Add(-29 * day)), DeliveredAt: ptrTime(now.Add(-25 * day))},
		Customer: CustomerFacts{DisputesLast90Days: 1},
		Merchant: MerchantFacts{AutoAcceptThreshold: 2500},
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

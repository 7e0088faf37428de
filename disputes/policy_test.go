package disputes

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var now0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func tp(t time.Time) *time.Time { return &t }

// base is an ordinary opened case that no special rule matches: it goes to the
// standard merchant window.
func base(reason Reason) Case { return sampleCase(reason, now0) }

type ruleCase struct {
	name     string
	c        Case
	wantRule string
}

func with(c Case, f func(*Case)) Case { f(&c); return c }

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	e := NewEngine(StarterRules())
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.Decide(tt.c); got.RuleID != tt.wantRule {
				t.Fatalf("rule %q (%s), want %q", got.RuleID, got.Explanation, tt.wantRule)
			}
		})
	}
}

func TestRuleHumanRequested(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"fires when the customer asks for a person", with(base(DuplicateCharge), func(c *Case) { c.WantsHuman = true }), "human-requested"},
		{"fires even for fraud", with(base(Unauthorized), func(c *Case) { c.WantsHuman = true }), "human-requested"},
		{"does not fire otherwise", base(DefectiveOrNotAsDescr), "merchant-window"},
	})
}

func TestRuleUnauthorized(t *testing.T) {
	d := NewEngine(StarterRules()).Decide(base(Unauthorized))
	if d.RuleID != "unauthorized" || d.Action != ActEscalate || d.Category != CatFraud {
		t.Fatalf("got %+v", d)
	}
	runRuleCases(t, []ruleCase{
		{"fires for a small amount too", with(base(Unauthorized), func(c *Case) { c.DisputedAmount = 100 }), "unauthorized"},
		{"does not fire for unrecognized", base(Unrecognized), "merchant-window"},
	})
}

func TestRuleDuplicate(t *testing.T) {
	dup := func(gap time.Duration, amount int64) func(*Case) {
		return func(c *Case) {
			c.Duplicates = []CaptureFacts{{OrderID: "ord_2", Amount: amount, CapturedAt: c.Order.CapturedAt.Add(gap)}}
		}
	}
	runRuleCases(t, []ruleCase{
		{"fires on a second capture 3 minutes later", with(base(DuplicateCharge), dup(3*time.Minute, 12000)), "duplicate"},
		{"fires at exactly 10 minutes", with(base(DuplicateCharge), dup(10*time.Minute, 12000)), "duplicate"},
		{"does not fire at 10 minutes and 1 second", with(base(DuplicateCharge), dup(10*time.Minute+time.Second, 12000)), "merchant-window"},
		{"does not fire for another amount", with(base(DuplicateCharge), dup(time.Minute, 11999)), "merchant-window"},
		{"does not fire without a second capture", base(DuplicateCharge), "merchant-window"},
	})
	d := NewEngine(StarterRules()).Decide(with(base(DuplicateCharge), dup(time.Minute, 12000)))
	if d.Outcome != CustomerFavor || d.Amount != 12000 {
		t.Fatalf("duplicate refunds the whole duplicate: %+v", d)
	}
}

func TestRuleCancelledNotRefunded(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"fires on a cancellation with no refund", with(base(RefundNotProcessed), func(c *Case) { c.Order.CancelledAt = tp(now0.Add(-10 * day)) }), "cancelled-not-refunded"},
		{"fires for a cancelled subscription billed anyway", with(base(SubscriptionCancelled), func(c *Case) { c.Order.CancelledAt = tp(now0.Add(-3 * day)) }), "cancelled-not-refunded"},
		{"does not fire once something was refunded", with(base(RefundNotProcessed), func(c *Case) {
			c.Order.CancelledAt, c.Order.RefundedTotal = tp(now0.Add(-10*day)), 1
		}), "merchant-window"},
		{"does not fire without a cancellation", base(RefundNotProcessed), "merchant-window"},
	})
}

func TestRuleInvoiceMismatch(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"fires when the charge exceeds lines + shipping - discounts", with(base(IncorrectAmount), func(c *Case) { c.Order.ExpectedTotal = 10920 }), "invoice-mismatch"},
		{"fires one cent over", with(base(IncorrectAmount), func(c *Case) { c.Order.ExpectedTotal = 11999 }), "invoice-mismatch"},
		{"does not fire when the invoice adds up", base(IncorrectAmount), "merchant-window"},
		{"does not fire when undercharged", with(base(IncorrectAmount), func(c *Case) { c.Order.ExpectedTotal = 13000 }), "merchant-window"},
	})
	d := NewEngine(StarterRules()).Decide(with(base(IncorrectAmount), func(c *Case) { c.Order.ExpectedTotal = 10920 }))
	if d.Outcome != Partial || d.Amount != 1080 {
		t.Fatalf("adjusts by the difference: %+v", d)
	}
}

func TestRuleSmallAmount(t *testing.T) {
	small := func(amount int64) func(*Case) { return func(c *Case) { c.DisputedAmount = amount } }
	runRuleCases(t, []ruleCase{
		{"fires under the threshold", with(base(DefectiveOrNotAsDescr), small(1999)), "small-amount"},
		{"fires at the threshold", with(base(DefectiveOrNotAsDescr), small(2500)), "small-amount"},
		{"does not fire one cent above", with(base(DefectiveOrNotAsDescr), small(2501)), "merchant-window"},
		{"does not fire when the merchant set no threshold", with(base(DefectiveOrNotAsDescr), func(c *Case) {
			c.DisputedAmount, c.Merchant.AutoAcceptThreshold = 100, 0
		}), "merchant-window"},
		{"does not fire for a customer 15 days overdue", with(base(DefectiveOrNotAsDescr), func(c *Case) {
			c.DisputedAmount, c.Customer.MaxDaysOverdue = 100, 15
		}), "merchant-window"},
		{"fires for a customer exactly 14 days overdue", with(base(DefectiveOrNotAsDescr), func(c *Case) {
			c.DisputedAmount, c.Customer.MaxDaysOverdue = 100, 14
		}), "small-amount"},
		{"does not fire for a lender billing error", with(base(InstallmentBillingError), small(100)), "lender-billing-error"},
	})
}

func TestRuleComplex(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"fires at the high amount", with(base(DefectiveOrNotAsDescr), func(c *Case) { c.Order.CapturedAmount = 100000 }), "complex"},
		{"does not fire just below it", with(base(DefectiveOrNotAsDescr), func(c *Case) { c.Order.CapturedAmount = 99999 }), "merchant-window"},
		{"fires on the third dispute in 90 days", with(base(DefectiveOrNotAsDescr), func(c *Case) { c.Customer.DisputesLast90Days = 3 }), "complex"},
		{"does not fire on the second", with(base(DefectiveOrNotAsDescr), func(c *Case) { c.Customer.DisputesLast90Days = 2 }), "merchant-window"},
		{"fires for a vulnerable customer", with(base(DefectiveOrNotAsDescr), func(c *Case) { c.Customer.Vulnerable = true }), "complex"},
		{"fires on low confidence", with(base(DefectiveOrNotAsDescr), func(c *Case) { c.NLUConfidence = 0.49 }), "complex"},
		{"does not fire at 0.5 confidence", with(base(DefectiveOrNotAsDescr), func(c *Case) { c.NLUConfidence = 0.5 }), "merchant-window"},
		{"a rule that settles fully first still wins", with(base(DuplicateCharge), func(c *Case) {
			c.Order.CapturedAmount, c.DisputedAmount = 150000, 150000
			c.Duplicates = []CaptureFacts{{OrderID: "o2", Amount: 150000, CapturedAt: c.Order.CapturedAt}}
		}), "duplicate"},
	})
	d := NewEngine(StarterRules()).Decide(with(base(NotReceived), func(c *Case) { c.Customer.Vulnerable = true }))
	if d.Category != CatVulnerable {
		t.Fatalf("category %q", d.Category)
	}
}

func TestRuleReturnDelivered(t *testing.T) {
	ret := func(ago time.Duration) func(*Case) {
		return func(c *Case) { c.Order.ReturnReceivedAt = tp(now0.Add(-ago)) }
	}
	runRuleCases(t, []ruleCase{
		{"fires 14 days after the return arrived", with(base(RefundNotProcessed), ret(14*day)), "return-delivered"},
		{"fires at exactly 3 days", with(base(RefundNotProcessed), ret(3*day)), "return-delivered"},
		{"does not fire a minute earlier", with(base(RefundNotProcessed), ret(3*day-time.Minute)), "merchant-window"},
		{"does not fire once fully refunded", with(base(RefundNotProcessed), func(c *Case) {
			c.Order.ReturnReceivedAt, c.Order.RefundedTotal = tp(now0.Add(-5*day)), 12000
		}), "merchant-window"},
		{"does not fire while the return is in transit", with(base(RefundNotProcessed), func(c *Case) { c.Order.ReturnShippedAt = tp(now0.Add(-5 * day)) }), "merchant-window"},
	})
	d := NewEngine(StarterRules()).Decide(with(base(RefundNotProcessed), ret(14*day)))
	if d.Action != ActRequestMerchant || d.MerchantDays != 7 || d.OnMerchantSilence != CustomerFavor {
		t.Fatalf("got %+v", d)
	}
}

func TestRuleNotReceivedNoProof(t *testing.T) {
	late := func(ago time.Duration) func(*Case) {
		return func(c *Case) { c.Order.DeliveredAt, c.Order.ExpectedDeliveryBy = nil, tp(now0.Add(-ago)) }
	}
	runRuleCases(t, []ruleCase{
		{"fires 18 days past expected delivery", with(base(NotReceived), late(18*day)), "not-received-no-proof"},
		{"fires at exactly 5 days", with(base(NotReceived), late(5*day)), "not-received-no-proof"},
		{"does not fire at 4 days 23 hours", with(base(NotReceived), late(5*day-time.Hour)), "merchant-window"},
		{"does not fire without an expected date", with(base(NotReceived), func(c *Case) { c.Order.DeliveredAt, c.Order.ExpectedDeliveryBy = nil, nil }), "merchant-window"},
	})
	d := NewEngine(StarterRules()).Decide(with(base(NotReceived), late(18*day)))
	if d.MerchantDays != 21 || d.OnMerchantSilence != CustomerFavor {
		t.Fatalf("got %+v", d)
	}
}

func TestRuleDeliveredButDisputed(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"fires when the carrier says delivered", base(NotReceived), "delivered-but-disputed"},
		{"does not fire for another reason", base(DefectiveOrNotAsDescr), "merchant-window"},
	})
}

func TestRulesAfterEvidence(t *testing.T) {
	ev := func(f EvidenceFacts) Case {
		c := base(DefectiveOrNotAsDescr)
		c.Stage, c.Evidence = "evidence_closed", f
		return c
	}
	runRuleCases(t, []ruleCase{
		{"merchant never contested: customer favour", ev(EvidenceFacts{}), "evidence-merchant-silent"},
		{"merchant contested: a person weighs it", ev(EvidenceFacts{MerchantResponded: true, MerchantContested: true}), "evidence-review"},
	})
	d := NewEngine(StarterRules()).Decide(ev(EvidenceFacts{MerchantResponded: true, MerchantContested: true}))
	if d.Action != ActEscalate || d.Recommendation != MerchantFavor {
		t.Fatalf("rules never decide against the customer; they recommend: %+v", d)
	}
}

func TestDecisionRecordsProvenance(t *testing.T) {
	e := NewEngine(StarterRules())
	c := base(Unauthorized)
	d := e.Decide(c)
	if d.PolicyVersion != PolicyVersion || d.RuleVersion == "" || len(d.Citations) == 0 || d.DecidedBy != "rule" || d.InputHash != HashCase(c) {
		t.Fatalf("provenance missing: %+v", d)
	}
	c2 := c
	c2.DisputedAmount++
	if e.Decide(c2).InputHash == d.InputHash {
		t.Fatal("different inputs, same hash")
	}
}

// Every section a rule cites exists in the policy corpus.
func TestCitationsExistInTheCorpus(t *testing.T) {
	sections := map[string]bool{}
	files, _ := filepath.Glob("../knowledge/policies/*.md")
	if len(files) < 15 {
		t.Fatalf("corpus not found (%d files)", len(files))
	}
	heading := regexp.MustCompile(`(?m)^#{2,4} (\d+(?:\.\d+)*)\.? `)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := strings.TrimSuffix(filepath.Base(f), ".md")
		for _, m := range heading.FindAllStringSubmatch(string(b), -1) {
			sections[doc+"#"+m[1]] = true
		}
	}
	for _, r := range StarterRules() {
		if len(r.Cites) == 0 {
			t.Errorf("rule %s cites nothing", r.ID)
		}
		for _, c := range r.Cites {
			if !sections[c] {
				t.Errorf("rule %s cites %s, which is not a section of the corpus", r.ID, c)
			}
		}
	}
}

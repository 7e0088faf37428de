package disputes

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/errs"
)

// OpenInput is a customer's report of a problem with an order, from the
// "report a problem" form or the chatbot.
type OpenInput struct {
	CustomerID    string
	OrderID       string
	Reason        Reason
	SubReason     string
	Description   string
	Amount        int64   // 0: everything still outstanding on the order
	WantsHuman    bool    // the customer asked for a person
	NLUConfidence float64 // the chatbot's confidence in the reason; 0 when not from chat
	Actor         string  // who opened it, for the audit log
	// Packet is added to the handoff packet if the case goes to a person (the
	// chatbot's transcript and summary), so the agent never asks again.
	Packet map[string]any
}

func (in OpenInput) validate() error {
	switch {
	case in.OrderID == "":
		return errs.Invalidf("order_id", "order_id is required")
	case in.Reason == "":
		return errs.Invalidf("reason", "reason is required")
	case !in.Reason.Valid():
		return errs.Invalidf("reason", "unknown reason %q", in.Reason)
	case !in.Reason.ValidSub(in.SubReason):
		return errs.Invalidf("sub_reason", "%q is not a sub-reason of %s", in.SubReason, in.Reason)
	case !utf8.ValidString(in.Description) || utf8.RuneCountInString(in.Description) > 4000:
		return errs.Invalidf("description", "description is at most 4,000 characters of text")
	case in.Amount < 0:
		return errs.Invalidf("amount", "amount cannot be negative")
	case in.NLUConfidence < 0 || in.NLUConfidence > 1:
		return errs.Invalidf("nlu_confidence", "confidence is between 0 and 1")
	}
	return nil
}

// Open submits a dispute: in one transaction it records it, pauses every unpaid
// installment of the order's plan, asks the policy engine, and applies what the
// engine decides (resolve, ask the merchant, or hand to a person).
func (s *Service) Open(ctx context.Context, in OpenInput) (Dispute, error) {
	if err := in.validate(); err != nil {
		return Dispute{}, err
	}
	now := s.clock.Now()
	var d Dispute
	err := s.tx(ctx, func(tx pgx.Tx) error {
		o, err := getOrder(ctx, tx, in.OrderID, true)
		if err != nil || o.CustomerID != in.CustomerID {
			return ErrOrderNotFound
		}
		if d, err = s.newDispute(ctx, tx, in, o, now); err != nil {
			return err
		}
		if err := s.submit(ctx, tx, &d, &o, in.Actor, now); err != nil {
			return err
		}
		c, err := s.buildCase(ctx, tx, d, o, "opened", now)
		if err != nil {
			return err
		}
		return s.apply(ctx, tx, &d, o, s.engine.Decide(c), in.Packet, now)
	})
	return d, err
}

func (s *Service) newDispute(ctx context.Context, tx pgx.Tx, in OpenInput, o Order, now time.Time) (Dispute, error) {
	left := o.CapturedAmount - o.RefundedTotal()
	amount := in.Amount
	if amount == 0 {
		amount = left
	}
	switch {
	case left <= 0:
		return Dispute{}, errs.Invalidf("order_id", "this order has been refunded in full; there is nothing left to dispute")
	case amount > left:
		return Dispute{}, errs.Invalidf("amount", "amount %d is more than the %d %s still outstanding on the order", amount, left, o.Currency)
	}
	terms, err := marketTerms(ctx, tx, o.Market)
	if err != nil {
		return Dispute{}, err
	}
	if window := time.Duration(terms["filing_window_days"]) * day; now.Sub(o.CapturedAt) > window {
		return Dispute{}, errs.Invalidf("order_id", "disputes must be filed within %d days of purchase", terms["filing_window_days"])
	}
	d := Dispute{ID: s.ids.Make("dsp"), OrderID: o.ID, CustomerID: o.CustomerID, MerchantID: o.MerchantID,
		Market: o.Market, Currency: o.Currency, Reason: in.Reason, SubReason: in.SubReason,
		Description: strings.TrimSpace(in.Description), Amount: amount, Status: StatusIntake,
		WantsHuman: in.WantsHuman, NLUConfidence: in.NLUConfidence, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := insertDispute(ctx, tx, d); err != nil {
		return Dispute{}, err
	}
	return d, appendEvent(ctx, tx, d.ID, in.Actor, "opened", map[string]any{
		"reason": d.Reason, "sub_reason": d.SubReason, "amount": d.Amount, "currency": d.Currency,
		"description": d.Description}, now)
}

// submit moves the dispute to submitted and pauses the plan, in the same
// transaction: the moment a dispute exists, nothing more falls due.
func (s *Service) submit(ctx context.Context, tx pgx.Tx, d *Dispute, o *Order, actor string, now time.Time) error {
	to, err := Next(d.Status, StepSubmit)
	if err != nil {
		return err
	}
	before := o.Plan.Installments
	after := PausePlan(before)
	if err := saveInstallments(ctx, tx, o.ID, after); err != nil {
		return err
	}
	o.Plan.Installments = after
	d.Status, d.PausedAt, d.SubmittedAt = to, &now, &now
	if err := saveDispute(ctx, tx, d, now); err != nil {
		return err
	}
	return appendEvent(ctx, tx, d.ID, actor, "payments_paused", map[string]any{"installments": pausedSeqs(Diff(before, after))}, now)
}

func pausedSeqs(effects []Effect) []int {
	seqs := []int{}
	for _, e := range effects {
		seqs = append(seqs, e.Seq)
	}
	return seqs
}

// apply carries out an engine decision on the dispute.
func (s *Service) apply(ctx context.Context, tx pgx.Tx, d *Dispute, o Order, dec Decision, extra map[string]any, now time.Time) error {
	if dec.Action == ActResolve {
		mode, err := ruleMode(ctx, tx, dec.RuleID)
		if err != nil {
			return err
		}
		if mode == ModeProposeOnly {
			dec = proposal(dec)
		}
	}
	if dec.Action == ActNone { // no rule applied: a person must look
		dec.Action, dec.Category = ActEscalate, CatMissingKnowledge
	}
	decisionID, err := s.recordDecision(ctx, tx, d.ID, dec, "", "", now)
	if err != nil {
		return err
	}
	actor := "rule:" + dec.RuleID + "@" + dec.RuleVersion
	if err := appendEvent(ctx, tx, d.ID, actor, "rule_decision", dec, now); err != nil {
		return err
	}
	switch dec.Action {
	case ActResolve:
		return s.close(ctx, tx, d, o, closing{decisionID: decisionID, outcome: dec.Outcome, amount: dec.Amount, actor: actor}, now)
	case ActRequestMerchant:
		return s.requestMerchant(ctx, tx, d, dec, actor, now)
	default:
		return s.escalate(ctx, tx, d, o, escalation{category: dec.Category, decision: &dec, actor: actor, extra: extra}, now)
	}
}

// proposal turns a resolution by a "propose only" rule into a handoff carrying
// it as the recommendation: an agent must approve it.
func proposal(dec Decision) Decision {
	p := dec
	p.Action, p.Category, p.Recommendation = ActEscalate, CatPolicyHuman, dec.Outcome
	p.RiskFlags = append(append([]string{}, dec.RiskFlags...), "proposed_by_rule")
	p.Explanation = "Rule " + dec.RuleID + " is set to propose only; it proposes: " + dec.Explanation
	return p
}

func (s *Service) recordDecision(ctx context.Context, tx pgx.Tx, disputeID string, dec Decision, agentID, note string, now time.Time) (string, error) {
	detail, err := json.Marshal(dec)
	if err != nil {
		return "", err
	}
	idv := s.ids.Make("dec")
	by := "rule"
	if agentID != "" {
		by = "agent"
	}
	_, err = tx.Exec(ctx, `INSERT INTO decisions (id, dispute_id, decided_by, rule_id, rule_version, policy_version,
		agent_id, action, outcome, amount, citations, input_hash, note, detail, decided_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
		idv, disputeID, by, dec.RuleID, dec.RuleVersion, dec.PolicyVersion, agentID, dec.Action, dec.Outcome,
		dec.Amount, nonNil(dec.Citations), dec.InputHash, note, detail, now)
	if err != nil {
		return "", fmt.Errorf("record decision: %w", err)
	}
	return idv, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *Service) requestMerchant(ctx context.Context, tx pgx.Tx, d *Dispute, dec Decision, actor string, now time.Time) error {
	to, err := Next(d.Status, StepRequestMerchant)
	if err != nil {
		return err
	}
	onExpiry, source := ExpireEvidenceRequest, "market:"+d.Market+":merchant_response_days"
	if dec.OnMerchantSilence == CustomerFavor {
		onExpiry, source = ExpireCustomerFavor, "rule:"+dec.RuleID+"@"+dec.RuleVersion
	}
	d.Status = to
	if err := saveDispute(ctx, tx, d, now); err != nil {
		return err
	}
	return s.addDeadline(ctx, tx, d.ID, KindMerchantResponse, now.Add(time.Duration(dec.MerchantDays)*day), source, onExpiry, actor, now)
}

func (s *Service) addDeadline(ctx context.Context, tx pgx.Tx, disputeID, kind string, due time.Time, source, onExpiry, actor string, now time.Time) error {
	dl := Deadline{ID: s.ids.Make("ddl"), DisputeID: disputeID, Kind: kind, DueAt: due.UTC(), Source: source,
		OnExpiry: onExpiry, CreatedAt: now}
	if err := insertDeadline(ctx, tx, dl); err != nil {
		return err
	}
	if s.jobs != nil {
		if err := s.jobs.ScheduleDeadline(ctx, tx, dl.ID, dl.DueAt); err != nil {
			return fmt.Errorf("schedule deadline: %w", err)
		}
	}
	return appendEvent(ctx, tx, disputeID, actor, "deadline_set", map[string]any{
		"deadline_id": dl.ID, "kind": kind, "due_at": dl.DueAt, "source": source, "on_expiry": onExpiry}, now)
}

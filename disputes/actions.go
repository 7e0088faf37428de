package disputes

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/errs"
)

// change runs fn on the dispute and its order inside one transaction. fn's
// writes to the dispute go through saveDispute, whose version check makes two
// concurrent changes of the same dispute fail one of them with 409.
func (s *Service) change(ctx context.Context, id string, fn func(tx pgx.Tx, d *Dispute, o Order, now time.Time) error) (Dispute, error) {
	now := s.clock.Now()
	var d Dispute
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		if d, err = getDispute(ctx, tx, id); err != nil {
			return err
		}
		o, err := getOrder(ctx, tx, d.OrderID, false)
		if err != nil {
			return err
		}
		return fn(tx, &d, o, now)
	})
	return d, err
}

// Withdraw ends an open dispute at the customer's request; payments resume
// with shifted due dates.
func (s *Service) Withdraw(ctx context.Context, customerID, id string) (Dispute, error) {
	return s.change(ctx, id, func(tx pgx.Tx, d *Dispute, o Order, now time.Time) error {
		if d.CustomerID != customerID {
			return ErrDisputeNotFound
		}
		to, err := Next(d.Status, StepWithdraw)
		if err != nil {
			return err
		}
		after := o.Plan.Installments
		if d.PausedAt != nil {
			after = ResumePlan(after, *d.PausedAt, now)
		}
		if err := saveInstallments(ctx, tx, o.ID, after); err != nil {
			return err
		}
		d.Status, d.Outcome, d.ClosedAt, d.PausedAt = to, "withdrawn", &now, nil
		if err := saveDispute(ctx, tx, d, now); err != nil {
			return err
		}
		if err := settleDeadlines(ctx, tx, d.ID, "cancelled", now); err != nil {
			return err
		}
		if err := closeHandoffs(ctx, tx, d.ID, now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, d.ID, "customer:"+customerID, "withdrawn",
			map[string]any{"plan": Diff(o.Plan.Installments, after)}, now)
	})
}

// EvidenceInput is one side's evidence.
type EvidenceInput struct {
	Text           string       `json:"text"`
	TrackingNumber string       `json:"tracking_number"`
	Attachments    []Attachment `json:"attachments"`
}

// Attachment describes a file the party uploaded elsewhere (storage is the
// host app's); Settle keeps its description and digest.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"`
}

func (in EvidenceInput) validate() error {
	switch {
	case strings.TrimSpace(in.Text) == "" && len(in.Attachments) == 0 && in.TrackingNumber == "":
		return errs.Invalidf("text", "evidence needs text, a tracking number or an attachment")
	case !utf8.ValidString(in.Text) || utf8.RuneCountInString(in.Text) > 10000:
		return errs.Invalidf("text", "text is at most 10,000 characters")
	case len(in.Attachments) > 10:
		return errs.Invalidf("attachments", "at most 10 attachments")
	case len(in.TrackingNumber) > 64:
		return errs.Invalidf("tracking_number", "tracking_number is at most 64 characters")
	}
	for i, a := range in.Attachments {
		f := fmt.Sprintf("attachments[%d]", i)
		switch {
		case a.Name == "" || len(a.Name) > 200:
			return errs.Invalidf(f+".name", "%s.name is required (at most 200 characters)", f)
		case a.Size < 0 || a.Size > 10<<20:
			return errs.Invalidf(f+".size", "attachments are at most 10 MB (evidence-requirements)")
		case !allowedContentType(a.ContentType):
			return errs.Invalidf(f+".content_type", "accepted types are PDF, JPEG, PNG, HEIC and plain text")
		}
	}
	return nil
}

func allowedContentType(ct string) bool {
	switch ct {
	case "application/pdf", "image/jpeg", "image/png", "image/heic", "text/plain":
		return true
	}
	return false
}

func (s *Service) saveEvidence(ctx context.Context, tx pgx.Tx, disputeID, party string, in EvidenceInput, now time.Time) error {
	atts := in.Attachments
	if atts == nil {
		atts = []Attachment{}
	}
	_, err := tx.Exec(ctx, `INSERT INTO dispute_evidence (id, dispute_id, party, text, tracking_number, attachments, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, s.ids.Make("evd"), disputeID, party, strings.TrimSpace(in.Text), in.TrackingNumber, atts, now)
	if err != nil {
		return fmt.Errorf("save evidence: %w", err)
	}
	return nil
}

// AddCustomerEvidence attaches the customer's evidence. In the evidence stage it
// ends the stage: the dispute goes to review and is decided.
func (s *Service) AddCustomerEvidence(ctx context.Context, customerID, id string, in EvidenceInput) (Dispute, error) {
	if err := in.validate(); err != nil {
		return Dispute{}, err
	}
	return s.change(ctx, id, func(tx pgx.Tx, d *Dispute, o Order, now time.Time) error {
		if d.CustomerID != customerID {
			return ErrDisputeNotFound
		}
		if !d.Status.Open() || d.Status == StatusDecided {
			return errs.Conflictf("dispute_closed", "this dispute is %s; evidence can no longer be added", d.Status)
		}
		if err := s.saveEvidence(ctx, tx, d.ID, "customer", in, now); err != nil {
			return err
		}
		if err := appendEvent(ctx, tx, d.ID, "customer:"+customerID, "evidence_added",
			map[string]any{"party": "customer", "attachments": len(in.Attachments)}, now); err != nil {
			return err
		}
		if d.Status != StatusMerchantEvidence {
			return saveDispute(ctx, tx, d, now) // recorded; bumps the version so concurrent writers see it
		}
		return s.endEvidenceStage(ctx, tx, d, o, StepCustomerAnswer, "customer:"+customerID, now)
	})
}

// endEvidenceStage moves to review and asks the engine for the evidence-stage
// decision.
func (s *Service) endEvidenceStage(ctx context.Context, tx pgx.Tx, d *Dispute, o Order, step Step, actor string, now time.Time) error {
	to, err := Next(d.Status, step)
	if err != nil {
		return err
	}
	d.Status = to
	if err := saveDispute(ctx, tx, d, now); err != nil {
		return err
	}
	if err := settleDeadlines(ctx, tx, d.ID, "met", now); err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, d.ID, actor, "evidence_stage_ended", map[string]any{"step": step}, now); err != nil {
		return err
	}
	c, err := s.buildCase(ctx, tx, *d, o, "evidence_closed", now)
	if err != nil {
		return err
	}
	return s.apply(ctx, tx, d, o, s.engine.Decide(c), nil, now)
}

package cobrowse

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/errs"
)

// Consent is protocol state. The receipt — who, when, which capabilities,
// under which policy version, through which channel — is stored in the
// same transaction that activates the session, and only after that commits
// does the relay learn of it (Service.changed). A later grant replaces the
// capabilities (control granted, or revoked); a refusal ends the session.

// Where a consent came from.
const (
	ViaHTTP      = "http"
	ViaWebSocket = "websocket"
)

// ConsentInput is the customer's answer:
// {"granted":true|false,"capabilities":["view","pointer","draw","control"]}.
type ConsentInput struct {
	Granted      *bool        `json:"granted"`
	Capabilities []Capability `json:"capabilities"`
}

// check returns the step the answer is and the capabilities granted.
func (in ConsentInput) check() (Step, []Capability, error) {
	if in.Granted == nil {
		return "", nil, errs.Invalidf("granted", "granted (true or false) is required")
	}
	if !*in.Granted {
		if len(in.Capabilities) > 0 {
			return "", nil, errs.Invalidf("capabilities", "a refusal grants no capabilities")
		}
		return StepDecline, nil, nil
	}
	caps, err := checkCapabilities("capabilities", in.Capabilities)
	return StepGrant, caps, err
}

// ConsentReceipt is one stored answer.
type ConsentReceipt struct {
	ID            string       `json:"id"`
	SessionID     string       `json:"session_id"`
	CustomerID    string       `json:"customer_id"`
	Granted       bool         `json:"granted"`
	Capabilities  []Capability `json:"capabilities"`
	PolicyVersion string       `json:"policy_version"`
	Via           string       `json:"via"`
	At            time.Time    `json:"at"`
}

// Consent records the customer's answer for their session and applies it.
func (s *Service) Consent(ctx context.Context, sessionID, customerID string, in ConsentInput, via string) (Session, error) {
	step, granted, err := in.check()
	if err != nil {
		return Session{}, err
	}
	var sess Session
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		if sess, err = getSession(ctx, tx, sessionID, true); err != nil {
			return err
		}
		if sess.CustomerID != customerID {
			return errOtherCustomer
		}
		if _, err := Next(sess.Status, step); err != nil {
			return err
		}
		now := s.cfg.Clock.Now()
		r := ConsentReceipt{ID: s.cfg.IDs.Make("cbc"), SessionID: sessionID, CustomerID: customerID, Granted: step == StepGrant,
			Capabilities: nonNilCaps(granted), PolicyVersion: sess.PolicyVersion, Via: via, At: now}
		if err := insertReceipt(ctx, tx, r); err != nil {
			return err
		}
		sess, err = applyConsent(ctx, tx, sess, step, granted, now)
		return err
	})
	if err != nil {
		return Session{}, err
	}
	s.changed(sess)
	return sess, nil
}

func insertReceipt(ctx context.Context, tx pgx.Tx, r ConsentReceipt) error {
	_, err := tx.Exec(ctx, `INSERT INTO cobrowse_consents (id, session_id, customer_id, granted, capabilities, policy_version, via, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, r.SessionID, r.CustomerID, r.Granted, strs(r.Capabilities), r.PolicyVersion, r.Via, r.At)
	if err != nil {
		return fmt.Errorf("cobrowse: store consent receipt: %w", err)
	}
	return nil
}

// applyConsent activates the session with the granted capabilities, or ends
// it: declined before it started, withdrawn after.
func applyConsent(ctx context.Context, tx pgx.Tx, sess Session, step Step, granted []Capability, now time.Time) (Session, error) {
	if step == StepDecline {
		reason := EndDeclined
		if sess.Status == StatusActive {
			reason = EndWithdrawn
		}
		return endSession(ctx, tx, sess.ID, PartyCustomer, reason, now)
	}
	_, err := tx.Exec(ctx, `UPDATE cobrowse_sessions SET status = 'active', capabilities = $2,
		consented_at = coalesce(consented_at, $3), delivered_at = coalesce(delivered_at, $3),
		last_activity_at = CASE WHEN status = 'active' THEN last_activity_at ELSE $3 END,
		version = version + 1 WHERE id = $1`, sess.ID, strs(granted), now)
	if err != nil {
		return Session{}, fmt.Errorf("cobrowse: apply consent: %w", err)
	}
	return getSession(ctx, tx, sess.ID, false)
}

// Receipts returns a session's consent receipts, oldest first.
func (s *Service) Receipts(ctx context.Context, sessionID string) ([]ConsentReceipt, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, session_id, customer_id, granted, capabilities, policy_version, via, at
		FROM cobrowse_consents WHERE session_id = $1 ORDER BY seq`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("cobrowse: receipts: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ConsentReceipt, error) {
		var r ConsentReceipt
		var c []string
		err := row.Scan(&r.ID, &r.SessionID, &r.CustomerID, &r.Granted, &c, &r.PolicyVersion, &r.Via, &r.At)
		r.Capabilities = caps(c)
		return r, err
	})
}

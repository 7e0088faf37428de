package cobrowse

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/errs"
)

// Join codes: a customer on the phone with an agent asks the app for a code
// and reads it out; the agent starts the session with it. Six digits are
// few, so a code lives 10 minutes, works once, is stored hashed, and an
// agent gets at most 5 wrong codes a minute.

// CodeTTL is how long a join code works.
const CodeTTL = 10 * time.Minute

// Code is a join code as the customer sees it, the one time it exists in
// clear.
type Code struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

func codeHash(code string) []byte {
	h := sha256.Sum256([]byte("settle-cobrowse-code:" + code))
	return h[:]
}

// newCode draws six digits from the injected randomness (128 bits reduced
// mod 10^6: the bias is below 10^-13).
func (s *Service) newCode() string {
	sum := sha256.Sum256([]byte(s.cfg.IDs.Token(16)))
	return fmt.Sprintf("%06d", binary.BigEndian.Uint64(sum[:8])%1_000_000)
}

func validCode(c string) bool {
	if len(c) != 6 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < '0' || c[i] > '9' {
			return false
		}
	}
	return true
}

// IssueCode gives the customer a new code, replacing their unused one.
func (s *Service) IssueCode(ctx context.Context, customerID string) (Code, error) {
	now := s.cfg.Clock.Now()
	for range 5 {
		code := s.newCode()
		err := db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `DELETE FROM cobrowse_codes WHERE used_at IS NULL
				AND (customer_id = $1 OR (code_hash = $2 AND expires_at <= $3))`, customerID, codeHash(code), now); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO cobrowse_codes (id, code_hash, customer_id, created_at, expires_at)
				VALUES ($1, $2, $3, $4, $5)`, s.cfg.IDs.Make("cbk"), codeHash(code), customerID, now, now.Add(CodeTTL))
			return err
		})
		if db.IsUniqueViolation(err, "cobrowse_codes_unused_key") {
			continue // another customer holds this number right now
		}
		if err != nil {
			return Code{}, fmt.Errorf("cobrowse: issue code: %w", err)
		}
		return Code{Code: code, ExpiresAt: now.Add(CodeTTL)}, nil
	}
	return Code{}, errors.New("cobrowse: issue code: no free code after 5 draws")
}

var (
	errWrongCode = &errs.Error{Kind: errs.Unprocessable, Code: "wrong_code", Field: "code",
		Message: "the code is wrong, used or expired; ask the customer for a new one"}
	errTooManyCodes = errs.New(errs.RateLimited, "too_many_wrong_codes",
		fmt.Sprintf("more than %d wrong codes in a minute; wait before trying again", maxWrongCodes))
)

// createFromCode redeems a code and starts a session with its customer.
// Every wrong code counts against the agent.
func (s *Service) createFromCode(ctx context.Context, agentID, code string, requested []Capability) (Session, error) {
	if !s.guesses.Allowed(agentID) {
		return Session{}, errTooManyCodes
	}
	if !validCode(code) {
		s.guesses.Hit(agentID)
		return Session{}, &errs.Error{Kind: errs.Unprocessable, Code: "wrong_code", Field: "code", Message: "a code is six digits"}
	}
	var sess Session
	err := db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		now := s.cfg.Clock.Now()
		var codeID, customerID string
		err := tx.QueryRow(ctx, `SELECT id, customer_id FROM cobrowse_codes
			WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 FOR UPDATE`, codeHash(code), now).Scan(&codeID, &customerID)
		if errors.Is(err, pgx.ErrNoRows) {
			return errWrongCode
		}
		if err != nil {
			return fmt.Errorf("cobrowse: redeem code: %w", err)
		}
		if sess, err = s.insert(ctx, tx, newSession{origin: OriginCode, customerID: customerID, agentID: agentID, requested: requested}); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE cobrowse_codes SET used_at = $2, session_id = $3 WHERE id = $1`, codeID, now, sess.ID)
		return err
	})
	if errors.Is(err, errWrongCode) {
		s.guesses.Hit(agentID)
	}
	return sess, err
}

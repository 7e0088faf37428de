package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/id"
)

// Staff is an agent, ops or admin account.
type Staff struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  Role   `json:"role"`
}

// ErrStaffExists is returned when an account with the email already exists.
var ErrStaffExists = errs.New(errs.Conflict, "staff_exists", "a staff account with this email already exists")

// CreateStaff adds a staff account with a bcrypt-hashed password.
func CreateStaff(ctx context.Context, q db.Querier, ids *id.Generator, email string, role Role, password string, now time.Time) (Staff, error) {
	email = strings.TrimSpace(email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return Staff{}, errs.Invalidf("email", "%q is not an email address", email)
	}
	if !ValidRole(role) {
		return Staff{}, errs.Invalidf("role", "role must be agent, ops or admin, not %q", role)
	}
	if len(password) < 10 || len(password) > 72 {
		return Staff{}, errs.Invalidf("password", "passwords are 10 to 72 characters")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return Staff{}, err
	}
	s := Staff{ID: ids.Make("stf"), Email: email, Role: role}
	_, err = q.Exec(ctx,
		`INSERT INTO staff (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		s.ID, s.Email, string(s.Role), string(hash), now)
	if db.IsUniqueViolation(err, "staff_email_key") {
		return Staff{}, ErrStaffExists
	}
	return s, err
}

// StaffRoutes mounts login, logout and "who am I".
func (a *Auth) StaffRoutes(r chi.Router) {
	r.Post("/v1/staff/login", a.login)
	r.With(Require(KindStaff)).Post("/v1/staff/logout", a.logout)
	r.With(Require(KindStaff)).Get("/v1/staff/me", func(w http.ResponseWriter, r *http.Request) {
		p, _ := CurrentPrincipal(r.Context())
		WriteJSON(w, http.StatusOK, Staff{ID: p.ID, Email: p.Email, Role: p.Role})
	})
}

var errBadLogin = errs.New(errs.Unauthenticated, "invalid_login", "wrong email or password")

// dummyHash is compared against when the email is unknown, so a login takes the
// same time whether or not the account exists.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("settle-timing-equaliser"), bcrypt.DefaultCost)

func (a *Auth) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := DecodeJSON(r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	switch {
	case strings.TrimSpace(in.Email) == "":
		WriteError(w, r, errs.Invalidf("email", "email is required"))
		return
	case in.Password == "":
		WriteError(w, r, errs.Invalidf("password", "password is required"))
		return
	}
	limitKey := strings.ToLower(strings.TrimSpace(in.Email))
	if !a.logins.Allowed(limitKey) {
		WriteError(w, r, errs.New(errs.RateLimited, "too_many_attempts", "too many failed logins for this account; try again in 15 minutes"))
		return
	}
	s, err := a.checkPassword(r.Context(), in.Email, in.Password)
	if err != nil {
		if errors.Is(err, errBadLogin) {
			a.logins.Hit(limitKey)
		}
		WriteError(w, r, err)
		return
	}
	token, expires, err := a.newSession(r.Context(), s.ID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookieName, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteStrictMode,
	})
	WriteJSON(w, http.StatusOK, map[string]any{"token": token, "expires_at": expires, "staff": s})
}

func (a *Auth) checkPassword(ctx context.Context, email, password string) (Staff, error) {
	var s Staff
	var hash string
	err := a.pool.QueryRow(ctx,
		`SELECT id, email, role, password_hash FROM staff WHERE lower(email) = lower($1) AND disabled_at IS NULL`,
		strings.TrimSpace(email)).Scan(&s.ID, &s.Email, &s.Role, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return Staff{}, errBadLogin
	}
	if err != nil {
		return Staff{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return Staff{}, errBadLogin
	}
	return s, nil
}

func (a *Auth) newSession(ctx context.Context, staffID string) (string, time.Time, error) {
	token := staffTokenPrefix + a.ids.Token(32)
	now := a.clock.Now()
	expires := now.Add(a.sessionTTL)
	_, err := a.pool.Exec(ctx,
		`INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		hashSecret(token), staffID, now, expires)
	return token, expires, err
}

func (a *Auth) staffBySession(ctx context.Context, token string) (*Principal, error) {
	p := Principal{Kind: KindStaff}
	err := a.pool.QueryRow(ctx,
		`SELECT s.id, s.email, s.role FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id
		 WHERE ss.token_hash = $1 AND ss.expires_at > $2 AND s.disabled_at IS NULL`,
		hashSecret(token), a.clock.Now()).Scan(&p.ID, &p.Email, &p.Role)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.New(errs.Unauthenticated, "invalid_session", "the staff session is invalid or has expired; log in again")
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (a *Auth) logout(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if c, err := r.Cookie(sessionCookieName); err == nil && !strings.HasPrefix(token, staffTokenPrefix) {
		token = c.Value
	}
	if _, err := a.pool.Exec(r.Context(), `DELETE FROM staff_sessions WHERE token_hash = $1`, hashSecret(token)); err != nil {
		WriteError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

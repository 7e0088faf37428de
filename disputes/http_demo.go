package disputes

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
)

// TokenIssuer signs a customer token; in production the host app's backend
// does this, in demo mode Settle does.
type TokenIssuer func(customerID string, ttl time.Duration) (string, error)

// DemoRoutes mounts the demo-mode endpoints (SETTLE_DEMO=1): list the demo
// customers and issue a token for one, so the demo app can "log in" as anyone.
func (h *Handler) DemoRoutes(r chi.Router, issue TokenIssuer) {
	r.Get("/v1/demo/customers", h.demoCustomers)
	r.Post("/v1/demo/token", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			CustomerID string `json:"customer_id"`
		}
		if err := httpx.DecodeJSON(r, &in); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		if in.CustomerID == "" {
			httpx.WriteError(w, r, errs.Invalidf("customer_id", "customer_id is required"))
			return
		}
		if _, err := h.svc.Customer(r.Context(), in.CustomerID); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		const ttl = 12 * time.Hour
		tok, err := issue(in.CustomerID, ttl)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"token": tok, "expires_in": int(ttl.Seconds())})
	})
}

func (h *Handler) demoCustomers(w http.ResponseWriter, r *http.Request) {
	cs, err := h.svc.Customers(r.Context(), 200)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"customers": cs})
}

// Customer returns one customer's profile.
func (s *Service) Customer(ctx context.Context, id string) (Customer, error) {
	var c Customer
	err := s.db.QueryRow(ctx, `SELECT id, name, email, phone, address, market, created_at FROM customers WHERE id = $1`, id).
		Scan(&c.ID, &c.Name, &c.Email, &c.Phone, &c.Address, &c.Market, &c.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Customer{}, ErrCustomerNotFound
	}
	return c, err
}

// Customers lists up to limit customers by id.
func (s *Service) Customers(ctx context.Context, limit int) ([]Customer, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name, email, phone, address, market, created_at FROM customers ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Customer, error) {
		var c Customer
		err := row.Scan(&c.ID, &c.Name, &c.Email, &c.Phone, &c.Address, &c.Market, &c.CreatedAt)
		return c, err
	})
}

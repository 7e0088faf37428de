package disputes

import (
	"github.com/go-chi/chi/v5"

	"github.com/settlehq/settle/internal/httpx"
)

// Handler serves the disputes domain over HTTP.
type Handler struct {
	svc *Service
}

// NewHandler returns the HTTP handler for svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Routes mounts the domain's endpoints (API.md). Callers must already have run
// httpx.Auth.Authenticate; each group states who may call it.
func (h *Handler) Routes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(httpx.Require(httpx.KindMerchant))
		r.Post("/v1/merchant/orders", h.upsertOrder)
		r.Get("/v1/merchant/orders/{order_id}", h.merchantOrder)
		r.Post("/v1/merchant/orders/{order_id}/events", h.addOrderEvent)
	})
	r.Group(func(r chi.Router) {
		r.Use(httpx.Require(httpx.KindCustomer))
		r.Get("/v1/me/orders", h.myOrders)
		r.Get("/v1/me/orders/{order_id}", h.myOrder)
	})
}

package disputes

import (
	"github.com/go-chi/chi/v5"

	"github.com/settlehq/settle/internal/httpx"
)

// Handler serves the disputes domain over HTTP.
type Handler struct {
	svc  *Service
	feed *QueueFeed // nil: no live queue stream
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
		r.Use(httpx.Require(httpx.KindMerchant))
		r.Get("/v1/merchant/disputes", h.merchantDisputes)
		r.Post("/v1/merchant/disputes/{id}/response", h.merchantRespond)
	})
	r.Group(func(r chi.Router) {
		r.Use(httpx.Require(httpx.KindCustomer))
		r.Get("/v1/me", h.me)
		r.Get("/v1/me/orders", h.myOrders)
		r.Get("/v1/me/orders/{order_id}", h.myOrder)
		r.Post("/v1/disputes", h.openDispute)
		r.Get("/v1/me/disputes", h.myDisputes)
		r.Get("/v1/disputes/{id}", h.myDispute)
		r.Post("/v1/disputes/{id}/withdraw", h.withdraw)
		r.Post("/v1/disputes/{id}/evidence", h.customerEvidence)
	})
	r.Group(func(r chi.Router) {
		r.Use(httpx.Require(httpx.KindStaff, httpx.RoleAgent))
		r.Get("/v1/agent/queue", h.queue)
		r.Get("/v1/agent/queue/stream", h.queueStream)
		r.Get("/v1/agent/handoffs/{id}", h.handoff)
		r.Post("/v1/agent/handoffs/{id}/claim", h.claim)
		r.Get("/v1/agent/cases/{id}", h.agentCase)
		r.Post("/v1/agent/cases/{id}/decision", h.agentDecide)
	})
	r.Group(func(r chi.Router) {
		r.Use(httpx.Require(httpx.KindStaff, httpx.RoleOps))
		r.Get("/v1/ops/outcomes", h.outcomes)
		r.Post("/v1/ops/outcomes/{id}/review", h.review)
		r.Get("/v1/ops/metrics", h.metrics)
		r.Get("/v1/ops/rules", h.rules)
		r.Put("/v1/ops/rules/{id}", h.setRule)
		r.Get("/v1/ops/disputes/{id}", h.opsDispute)
		r.Get("/v1/ops/disputes/{id}/audit", h.audit)
	})
}

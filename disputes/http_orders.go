package disputes

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
)

func caller(r *http.Request) httpx.Principal {
	p, _ := httpx.CurrentPrincipal(r.Context()) // routes are behind httpx.Require
	return p
}

func (h *Handler) upsertOrder(w http.ResponseWriter, r *http.Request) {
	var in OrderInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	o, created, err := h.svc.UpsertOrder(r.Context(), caller(r).ID, in)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	httpx.WriteJSON(w, status, o)
}

func (h *Handler) merchantOrder(w http.ResponseWriter, r *http.Request) {
	o, err := h.svc.OrderForMerchant(r.Context(), caller(r).ID, chi.URLParam(r, "order_id"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, o)
}

func (h *Handler) addOrderEvent(w http.ResponseWriter, r *http.Request) {
	var in EventInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	e, o, created, err := h.svc.AddOrderEvent(r.Context(), caller(r).ID, chi.URLParam(r, "order_id"), in)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	status := http.StatusOK // the same event was already recorded
	if created {
		status = http.StatusCreated
	}
	httpx.WriteJSON(w, status, map[string]any{"event": e, "order_id": o.ID, "payment_plan": o.Plan, "duplicate": !created})
}

func (h *Handler) myOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 0
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			httpx.WriteError(w, r, errs.Field(errs.Invalid, "limit", "limit must be a whole number from 1 to 100"))
			return
		}
		limit = n
	}
	orders, next, err := h.svc.CustomerOrders(r.Context(), caller(r).ID, Page{Limit: limit, Cursor: q.Get("cursor")})
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if orders == nil {
		orders = []Order{}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"orders": orders, "next_cursor": next})
}

func (h *Handler) myOrder(w http.ResponseWriter, r *http.Request) {
	o, err := h.svc.OrderForCustomer(r.Context(), caller(r).ID, chi.URLParam(r, "order_id"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, o)
}

// me is the customer's own profile (the host app's customer record).
func (h *Handler) me(w http.ResponseWriter, r *http.Request) {
	c, err := h.svc.Customer(r.Context(), caller(r).ID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, c)
}

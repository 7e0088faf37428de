package disputes

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
)

// respond writes v, or the error, in the API's shape.
func respond(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, status, v)
}

func (h *Handler) openDispute(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OrderID     string `json:"order_id"`
		Reason      string `json:"reason"`
		SubReason   string `json:"sub_reason"`
		Description string `json:"description"`
		Amount      *int64 `json:"amount"`
		WantsHuman  bool   `json:"wants_human"` // "I'd like a person to handle this"
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if in.Amount != nil && *in.Amount <= 0 {
		httpx.WriteError(w, r, errs.Invalidf("amount", "amount must be positive; leave it out to dispute everything outstanding"))
		return
	}
	p := caller(r)
	open := OpenInput{CustomerID: p.ID, OrderID: in.OrderID, Reason: Reason(in.Reason), SubReason: in.SubReason,
		Description: in.Description, WantsHuman: in.WantsHuman, Actor: "customer:" + p.ID}
	if in.Amount != nil {
		open.Amount = *in.Amount
	}
	d, err := h.svc.Open(r.Context(), open)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	v, err := h.svc.CustomerDispute(r.Context(), p.ID, d.ID)
	respond(w, r, http.StatusCreated, v, err)
}

func (h *Handler) myDisputes(w http.ResponseWriter, r *http.Request) {
	vs, err := h.svc.CustomerDisputes(r.Context(), caller(r).ID)
	respond(w, r, http.StatusOK, map[string]any{"disputes": vs}, err)
}

func (h *Handler) myDispute(w http.ResponseWriter, r *http.Request) {
	v, err := h.svc.CustomerDispute(r.Context(), caller(r).ID, chi.URLParam(r, "id"))
	respond(w, r, http.StatusOK, v, err)
}

func (h *Handler) withdraw(w http.ResponseWriter, r *http.Request) {
	p := caller(r)
	if _, err := h.svc.Withdraw(r.Context(), p.ID, chi.URLParam(r, "id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	v, err := h.svc.CustomerDispute(r.Context(), p.ID, chi.URLParam(r, "id"))
	respond(w, r, http.StatusOK, v, err)
}

func (h *Handler) customerEvidence(w http.ResponseWriter, r *http.Request) {
	var in EvidenceInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p := caller(r)
	if _, err := h.svc.AddCustomerEvidence(r.Context(), p.ID, chi.URLParam(r, "id"), in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	v, err := h.svc.CustomerDispute(r.Context(), p.ID, chi.URLParam(r, "id"))
	respond(w, r, http.StatusCreated, v, err)
}

func (h *Handler) merchantDisputes(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	if status != "" && !validStatus(status) {
		httpx.WriteError(w, r, errs.Field(errs.Invalid, "status", "unknown status "+status))
		return
	}
	vs, err := h.svc.MerchantDisputes(r.Context(), caller(r).ID, status)
	respond(w, r, http.StatusOK, map[string]any{"disputes": vs}, err)
}

func validStatus(s string) bool {
	for _, st := range Statuses() {
		if string(st) == s {
			return true
		}
	}
	return false
}

func (h *Handler) merchantRespond(w http.ResponseWriter, r *http.Request) {
	var in MerchantResponse
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	d, err := h.svc.Respond(r.Context(), caller(r).ID, chi.URLParam(r, "id"), in)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	v, err := h.svc.DisputeView(r.Context(), d.ID)
	respond(w, r, http.StatusOK, v, err)
}

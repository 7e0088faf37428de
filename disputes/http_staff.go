package disputes

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
)

func (h *Handler) queue(w http.ResponseWriter, r *http.Request) {
	items, err := h.svc.Queue(r.Context(), 200)
	if items == nil {
		items = []QueueItem{}
	}
	respond(w, r, http.StatusOK, map[string]any{"handoffs": items}, err)
}

func (h *Handler) handoff(w http.ResponseWriter, r *http.Request) {
	hd, err := h.svc.GetHandoff(r.Context(), chi.URLParam(r, "id"))
	respond(w, r, http.StatusOK, hd, err)
}

func (h *Handler) claim(w http.ResponseWriter, r *http.Request) {
	hd, err := h.svc.Claim(r.Context(), chi.URLParam(r, "id"), caller(r).ID)
	respond(w, r, http.StatusOK, hd, err)
}

func (h *Handler) agentCase(w http.ResponseWriter, r *http.Request) {
	cv, err := h.svc.AgentCase(r.Context(), chi.URLParam(r, "id"))
	respond(w, r, http.StatusOK, cv, err)
}

func (h *Handler) agentDecide(w http.ResponseWriter, r *http.Request) {
	var in AgentDecision
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	d, err := h.svc.Decide(r.Context(), caller(r).ID, chi.URLParam(r, "id"), in)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	v, err := h.svc.DisputeView(r.Context(), d.ID)
	respond(w, r, http.StatusOK, v, err)
}

func (h *Handler) outcomes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := OutcomeFilter{DecidedBy: q.Get("decided_by"), Reason: q.Get("reason"), RuleID: q.Get("rule_id"), MerchantID: q.Get("merchant_id")}
	var err error
	if f.From, err = timeParam(q.Get("from"), "from"); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if f.To, err = timeParam(q.Get("to"), "to"); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	rows, err := h.svc.Outcomes(r.Context(), f)
	if rows == nil {
		rows = []OutcomeRow{}
	}
	respond(w, r, http.StatusOK, map[string]any{"outcomes": rows}, err)
}

// timeParam parses an optional RFC 3339 time or YYYY-MM-DD date.
func timeParam(s, field string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t, nil
		}
	}
	return nil, errs.Field(errs.Invalid, field, field+" must be an RFC 3339 time or a YYYY-MM-DD date")
}

func (h *Handler) review(w http.ResponseWriter, r *http.Request) {
	var in ReviewInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	err := h.svc.Review(r.Context(), caller(r).ID, chi.URLParam(r, "id"), in)
	respond(w, r, http.StatusOK, map[string]any{"decision_id": chi.URLParam(r, "id"), "verdict": in.Verdict}, err)
}

func (h *Handler) metrics(w http.ResponseWriter, r *http.Request) {
	from, err := timeParam(r.URL.Query().Get("from"), "from")
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	to, err := timeParam(r.URL.Query().Get("to"), "to")
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	end := h.svc.clock.Now().Add(time.Second)
	if to != nil {
		end = *to
	}
	start := end.AddDate(0, 0, -30)
	if from != nil {
		start = *from
	}
	if !start.Before(end) {
		httpx.WriteError(w, r, errs.Field(errs.Invalid, "from", "from must be before to"))
		return
	}
	m, err := h.svc.Metrics(r.Context(), start, end)
	respond(w, r, http.StatusOK, m, err)
}

func (h *Handler) rules(w http.ResponseWriter, r *http.Request) {
	rs, err := h.svc.Rules(r.Context())
	respond(w, r, http.StatusOK, map[string]any{"rules": rs, "policy_version": PolicyVersion}, err)
}

func (h *Handler) setRule(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Mode string `json:"mode"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	err := h.svc.SetRuleMode(r.Context(), caller(r).ID, chi.URLParam(r, "id"), in.Mode)
	respond(w, r, http.StatusOK, map[string]any{"rule_id": chi.URLParam(r, "id"), "mode": in.Mode}, err)
}

func (h *Handler) opsDispute(w http.ResponseWriter, r *http.Request) {
	cv, err := h.svc.AgentCase(r.Context(), chi.URLParam(r, "id"))
	respond(w, r, http.StatusOK, cv, err)
}

func (h *Handler) audit(w http.ResponseWriter, r *http.Request) {
	log, err := h.svc.Audit(r.Context(), chi.URLParam(r, "id"))
	respond(w, r, http.StatusOK, log, err)
}

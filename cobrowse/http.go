package cobrowse

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
)

// Handler serves cobrowse over HTTP and WebSocket.
type Handler struct {
	svc     *Service
	hub     *Hub
	tickets *Tickets
}

// NewHandler returns the handler; svc must announce its changes to hub
// (svc.OnChange(hub.Changed)).
func NewHandler(svc *Service, hub *Hub, tickets *Tickets) *Handler {
	return &Handler{svc: svc, hub: hub, tickets: tickets}
}

// Routes mounts cobrowse's endpoints (API.md: Auth, Agent, Cobrowse, Ops).
// Callers must already have run httpx.Auth.Authenticate.
func (h *Handler) Routes(r chi.Router) {
	r.With(requireCaller).Post("/v1/ws-tickets", h.tickets.issue)
	r.Group(func(r chi.Router) {
		r.Use(httpx.Require(httpx.KindCustomer))
		r.Post("/v1/cobrowse/codes", h.issueCode)
		r.Get("/v1/me/cobrowse/sessions", h.mySessions)
		r.Post("/v1/cobrowse/sessions/{id}/consent", h.consent)
	})
	r.With(httpx.Require(httpx.KindStaff, httpx.RoleAgent)).Post("/v1/cobrowse/sessions", h.create)
	r.Group(func(r chi.Router) {
		r.Use(requireCaller)
		r.Get("/v1/cobrowse/sessions/{id}", h.session)
		r.Post("/v1/cobrowse/sessions/{id}/end", h.end)
	})
	// The socket authenticates with ?ticket= too, and checks the caller
	// against the session itself.
	r.With(h.tickets.Authenticate).Get("/v1/cobrowse/sessions/{id}/ws", h.ws)
	r.Group(func(r chi.Router) {
		r.Use(httpx.Require(httpx.KindStaff, httpx.RoleOps))
		r.Get("/v1/ops/recordings", h.recordings)
		r.Get("/v1/ops/recordings/{id}", h.recording)
		r.Get("/v1/ops/cobrowse/policy", h.policy)
	})
	r.With(httpx.Require(httpx.KindStaff, httpx.RoleAdmin)).Put("/v1/admin/cobrowse/policy", h.setPolicy)
}

// requireCaller lets through any authenticated caller; handlers check what
// the caller may touch.
func requireCaller(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := httpx.CurrentPrincipal(r.Context()); !ok {
			httpx.WriteError(w, r, errNoCredentials)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func caller(r *http.Request) httpx.Principal {
	p, _ := httpx.CurrentPrincipal(r.Context())
	return p
}

func respond(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, status, v)
}

func (h *Handler) issueCode(w http.ResponseWriter, r *http.Request) {
	c, err := h.svc.IssueCode(r.Context(), caller(r).ID)
	respond(w, r, http.StatusCreated, c, err)
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	var in CreateInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s, err := h.svc.Create(r.Context(), caller(r).ID, in)
	respond(w, r, http.StatusCreated, s, err)
}

func (h *Handler) mySessions(w http.ResponseWriter, r *http.Request) {
	ss, err := h.svc.CustomerSessions(r.Context(), caller(r).ID, Status(r.URL.Query().Get("status")))
	if ss == nil {
		ss = []Session{}
	}
	respond(w, r, http.StatusOK, map[string]any{"sessions": ss}, err)
}

// session answers the session's customer, its agent, and ops/admin.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) {
	p, id := caller(r), chi.URLParam(r, "id")
	if p.Kind == httpx.KindCustomer {
		s, err := h.svc.ForCustomer(r.Context(), p.ID, id)
		respond(w, r, http.StatusOK, s, err)
		return
	}
	s, err := h.svc.Session(r.Context(), id)
	if err == nil && !(p.Kind == httpx.KindStaff && (p.ID == s.AgentID || p.Role == httpx.RoleOps || p.Role == httpx.RoleAdmin)) {
		err = errOtherAgent
	}
	respond(w, r, http.StatusOK, s, err)
}

func (h *Handler) consent(w http.ResponseWriter, r *http.Request) {
	var in ConsentInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s, err := h.svc.Consent(r.Context(), chi.URLParam(r, "id"), caller(r).ID, in, ViaHTTP)
	respond(w, r, http.StatusOK, s, err)
}

// end ends the session for its customer or its agent.
func (h *Handler) end(w http.ResponseWriter, r *http.Request) {
	p := caller(r)
	s, err := h.svc.Session(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	by, reason := PartyAgent, EndByAgent
	if p.Kind == httpx.KindCustomer {
		by, reason = PartyCustomer, EndByCustomer
	}
	if err := authorize(p, s, Role(by)); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s, err = h.svc.End(r.Context(), s.ID, by, reason)
	respond(w, r, http.StatusOK, s, err)
}

// ws upgrades the session's customer (role=customer) or agent (role=agent).
// Everything is checked before the upgrade, so a refusal is a plain HTTP
// error with a reason.
func (h *Handler) ws(w http.ResponseWriter, r *http.Request) {
	p, ok := httpx.CurrentPrincipal(r.Context())
	if !ok {
		httpx.WriteError(w, r, errs.New(errs.Unauthenticated, "unauthenticated",
			"connect with a ticket (POST /v1/ws-tickets, then ?ticket=), a bearer token or the staff session cookie"))
		return
	}
	role := Role(r.URL.Query().Get("role"))
	if role != RoleCustomer && role != RoleAgent {
		httpx.WriteError(w, r, errs.Invalidf("role", "role must be customer or agent"))
		return
	}
	s, err := h.svc.Session(r.Context(), chi.URLParam(r, "id"))
	if err == nil {
		err = authorize(p, s, role)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	h.hub.Serve(w, r, s, role)
}

func (h *Handler) recordings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := RecordingFilter{DisputeID: q.Get("dispute_id")}
	var err error
	if f.From, err = timeParam(q.Get("from"), "from"); err == nil {
		f.To, err = timeParam(q.Get("to"), "to")
	}
	if err == nil && q.Get("limit") != "" {
		if f.Limit, err = strconv.Atoi(q.Get("limit")); err != nil || f.Limit < 1 || f.Limit > 200 {
			err = errs.Invalidf("limit", "limit must be a whole number from 1 to 200")
		}
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	rows, err := h.svc.Recordings(r.Context(), f)
	if rows == nil {
		rows = []RecordingSummary{}
	}
	respond(w, r, http.StatusOK, map[string]any{"recordings": rows}, err)
}

func timeParam(s, field string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, errs.Invalidf(field, "%s must be an RFC 3339 time", field)
	}
	return &t, nil
}

func (h *Handler) recording(w http.ResponseWriter, r *http.Request) {
	rec, err := h.svc.Recording(r.Context(), chi.URLParam(r, "id"))
	respond(w, r, http.StatusOK, rec, err)
}

func (h *Handler) policy(w http.ResponseWriter, r *http.Request) {
	p, err := h.svc.CurrentPolicy(r.Context())
	respond(w, r, http.StatusOK, p, err)
}

func (h *Handler) setPolicy(w http.ResponseWriter, r *http.Request) {
	var in Policy
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p, err := h.svc.SetPolicy(r.Context(), caller(r).ID, in)
	respond(w, r, http.StatusCreated, p, err)
}

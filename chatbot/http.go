package chatbot

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
)

// Handler serves conversations over HTTP and WebSocket.
type Handler struct {
	svc *Service
}

// NewHandler returns the chatbot's HTTP handler.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Routes mounts the conversation endpoints (API.md, Customer conversations).
func (h *Handler) Routes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(httpx.Require(httpx.KindCustomer))
		r.Post("/v1/conversations", h.create)
		r.Get("/v1/conversations", h.list)
		r.Get("/v1/conversations/{id}", h.get)
		r.Post("/v1/conversations/{id}/messages", h.send)
		r.Get("/v1/conversations/{id}/ws", h.ws)
	})
	r.Group(func(r chi.Router) {
		r.Use(httpx.Require(httpx.KindStaff, httpx.RoleAgent))
		r.Post("/v1/agent/cases/{id}/messages", h.agentCaseMessage)
		r.Get("/v1/agent/cases/{id}/conversation", h.agentCaseConversation)
		r.Get("/v1/agent/conversations/{id}", h.agentConversation)
		r.Post("/v1/agent/conversations/{id}/messages", h.agentMessage)
	})
}

func principal(r *http.Request) httpx.Principal {
	p, _ := httpx.CurrentPrincipal(r.Context())
	return p
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	c, err := h.svc.Create(r.Context(), principal(r).ID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"conversation_id": c.ID, "status": c.Status})
}

// list returns the customer's conversations, newest first, so an app can
// resume the open one.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	cs, err := h.svc.List(r.Context(), principal(r).ID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"conversations": cs})
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	c, msgs, err := h.svc.Get(r.Context(), principal(r).ID, chi.URLParam(r, "id"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"conversation_id": c.ID, "status": c.Status,
		"dispute_id": c.DisputeID, "messages": msgs})
}

type textBody struct {
	Text string `json:"text"`
}

func (h *Handler) send(w http.ResponseWriter, r *http.Request) {
	var in textBody
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	res, err := h.svc.Send(r.Context(), principal(r).ID, chi.URLParam(r, "id"), in.Text)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, res)
}

func (h *Handler) agentCaseMessage(w http.ResponseWriter, r *http.Request) {
	convID, err := h.svc.ConversationForDispute(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	h.postAgent(w, r, convID)
}

func (h *Handler) agentMessage(w http.ResponseWriter, r *http.Request) {
	h.postAgent(w, r, chi.URLParam(r, "id"))
}

func (h *Handler) postAgent(w http.ResponseWriter, r *http.Request, convID string) {
	var in textBody
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	m, err := h.svc.AgentMessage(r.Context(), principal(r).ID, convID, in.Text)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, m)
}

// agentCaseConversation is the chat a dispute came from, with its transcript
// (as stored: secrets masked), for the agent console's case view:
// {"conversation": {...}, "messages": [...]}, or {"conversation": null,
// "messages": []} when the dispute did not start in a chat (an ordinary
// state of a case, not an error).
func (h *Handler) agentCaseConversation(w http.ResponseWriter, r *http.Request) {
	convID, err := h.svc.ConversationForDispute(r.Context(), chi.URLParam(r, "id"))
	if e, ok := errs.As(err); ok && e.Kind == errs.NotFound {
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"conversation": nil, "messages": []Message{}})
		return
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	c, msgs, err := h.svc.AgentView(r.Context(), convID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"conversation": c, "messages": msgs})
}

func (h *Handler) agentConversation(w http.ResponseWriter, r *http.Request) {
	c, msgs, err := h.svc.AgentView(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"conversation": c, "messages": msgs})
}

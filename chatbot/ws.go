package chatbot

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"

	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
)

const (
	wsReadLimit  = 32 << 10 // a 4,000-character message in JSON, with room
	wsPongWait   = 60 * time.Second
	wsPingPeriod = 50 * time.Second
	wsWriteWait  = 10 * time.Second
)

var upgrader = websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096}

// wsIn is a client message: {"type":"message","text":"..."}.
type wsIn struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// ws serves a conversation's socket: one reader and one writer goroutine, a
// read limit, ping/pong deadlines and a bounded queue. The reader hands each
// message to Send; every new transcript line (the bot's, an agent's) reaches
// the writer through the hub.
func (h *Handler) ws(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	convID := chi.URLParam(r, "id")
	if _, _, err := h.svc.Get(r.Context(), p.ID, convID); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	updates, cancel := h.svc.hub.Subscribe(convID)
	notices, cancelNotices := h.svc.hub.SubscribeCustomer(p.ID)
	out := make(chan any, 16)
	done := make(chan struct{})
	go h.wsWrite(conn, updates, notices, out, done)
	h.wsRead(r, conn, p.ID, convID, out)
	cancelNotices()
	cancel()
	close(done)
}

func (h *Handler) wsRead(r *http.Request, conn *websocket.Conn, customerID, convID string, out chan<- any) {
	conn.SetReadLimit(wsReadLimit)
	conn.SetReadDeadline(time.Now().Add(wsPongWait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(wsPongWait)) })
	for {
		var in wsIn
		_, raw, err := conn.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				closeWith(conn, websocket.CloseMessageTooBig, "message too large: at most 4,000 characters")
			}
			return
		}
		if json.Unmarshal(raw, &in) != nil || in.Type != "message" {
			closeWith(conn, websocket.CloseUnsupportedData, `send {"type":"message","text":"..."}`)
			return
		}
		res, err := h.svc.Send(r.Context(), customerID, convID, in.Text)
		if err != nil {
			e, ok := errs.As(err)
			if !ok {
				httpx.Logger(r.Context()).Error("chat ws: send", "error", err.Error())
				e = errs.New(errs.Internal, "internal", "something went wrong on our side")
			}
			trySend(out, map[string]any{"type": "error", "code": e.Code, "message": e.Message})
			continue
		}
		if res.Dispute != nil {
			trySend(out, map[string]any{"type": "dispute", "id": res.Dispute.ID, "status": res.Dispute.Status,
				"reason": res.Dispute.Reason, "payments_paused": res.Dispute.PaymentsPaused})
		}
		if res.Handoff != nil {
			trySend(out, map[string]any{"type": "handoff", "id": res.Handoff.ID, "status": res.Handoff.Status,
				"reason_category": res.Handoff.ReasonCategory})
		}
	}
}

func trySend(out chan<- any, v any) {
	select {
	case out <- v:
	default: // the writer is stuck; the hub will drop this socket
	}
}

func (h *Handler) wsWrite(conn *websocket.Conn, updates <-chan []Message, notices, out <-chan any, done <-chan struct{}) {
	ping := time.NewTicker(wsPingPeriod)
	defer ping.Stop()
	defer conn.Close()
	agentJoined := false
	for {
		var err error
		select {
		case <-done:
			return
		case msgs, ok := <-updates:
			if !ok {
				closeWith(conn, websocket.ClosePolicyViolation, "too slow; reconnect and reload the transcript")
				return
			}
			for _, m := range msgs {
				if m.Role == "agent" && !agentJoined {
					agentJoined = true
					if err = write(conn, map[string]any{"type": "agent_joined"}); err != nil {
						return
					}
				}
				if frame := frameFor(m); frame != nil {
					err = write(conn, frame)
				}
			}
		case v := <-out:
			err = write(conn, v)
		case v := <-notices:
			err = write(conn, v)
		case <-ping.C:
			conn.SetWriteDeadline(time.Now().Add(wsWriteWait))
			err = conn.WriteMessage(websocket.PingMessage, nil)
		}
		if err != nil {
			return
		}
	}
}

// frameFor turns a transcript line into a server message; the customer's own
// lines are not echoed.
func frameFor(m Message) any {
	switch m.Role {
	case "bot":
		return map[string]any{"type": "reply", "text": m.Text, "citations": m.Citations, "quick_replies": m.QuickReplies}
	case "agent":
		return map[string]any{"type": "agent_message", "text": m.Text}
	}
	return nil
}

func write(conn *websocket.Conn, v any) error {
	conn.SetWriteDeadline(time.Now().Add(wsWriteWait))
	return conn.WriteJSON(v)
}

func closeWith(conn *websocket.Conn, code int, reason string) {
	conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(wsWriteWait))
}

package cobrowse

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// The WebSocket protocol of GET /v1/cobrowse/sessions/{id}/ws, written down in
// PROTOCOL.md. Every message is one JSON object in a text frame with a "type".

// Close codes the server sends, each with a reason in words.
const (
	CloseEnded       = websocket.CloseNormalClosure           // 1000: the session ended
	CloseGoingAway   = websocket.CloseGoingAway               // 1001: the server is shutting down
	CloseUnsupported = websocket.CloseUnsupportedData         // 1003: a binary frame
	CloseMalformed   = websocket.CloseInvalidFramePayloadData // 1007: not JSON
	CloseViolation   = websocket.ClosePolicyViolation         // 1008: unknown type, wrong shape
	CloseTooBig      = websocket.CloseMessageTooBig           // 1009: over the read limit
	CloseInternal    = websocket.CloseInternalServerErr       // 1011: our fault
	CloseReplaced    = 4000                                   // a newer connection of the customer took over
	CloseTooSlow     = 4008                                   // the connection did not keep up
)

// protocolError closes a connection: the peer broke the protocol.
type protocolError struct {
	code   int
	reason string
}

func (e *protocolError) Error() string { return strconv.Itoa(e.code) + " " + e.reason }

func violation(format string, args ...any) error {
	return &protocolError{code: CloseViolation, reason: fmt.Sprintf(format, args...)}
}

// inbound is any message a customer or an agent sends; each type reads the
// fields it needs and the rest are ignored (never forwarded: the server
// re-encodes what it passes on).
type inbound struct {
	Type string `json:"type"`
	// Customer: events, consent, control_refused.
	Events       []json.RawMessage `json:"events"`
	Granted      *bool             `json:"granted"`
	Capabilities []Capability      `json:"capabilities"`
	Action       string            `json:"action"`
	Reason       string            `json:"reason"`
	// Agent: control messages.
	X      *float64 `json:"x"`
	Y      *float64 `json:"y"`
	NodeID *int     `json:"node_id"`
	Points []point  `json:"points"`
	Text   *string  `json:"text"`
}

type point struct {
	X *float64 `json:"x"`
	Y *float64 `json:"y"`
}

// parseInbound decodes one message, naming what is wrong without quoting it.
func parseInbound(b []byte) (inbound, error) {
	var m inbound
	if err := json.Unmarshal(b, &m); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return m, &protocolError{code: CloseMalformed, reason: "malformed JSON at byte " + strconv.FormatInt(syn.Offset, 10)}
		case errors.As(err, &typ) && typ.Field != "":
			return m, violation("field %s has the wrong type", typ.Field)
		case errors.As(err, &typ):
			return m, violation("a message must be a JSON object")
		}
		return m, &protocolError{code: CloseMalformed, reason: "malformed JSON"}
	}
	if m.Type == "" {
		return m, violation("message without a type")
	}
	return m, nil
}

// unknownType is the close reason for a type the role may not send.
func unknownType(role Role, t string) error {
	if len(t) > 32 || !utf8.ValidString(t) {
		return violation("unknown message type from the %s", role)
	}
	return violation("unknown message type %q from the %s", t, role)
}

// Outbound messages.

var snapshotRequestMessage = []byte(`{"type":"snapshot_request"}`)

func policyMessage(p Policy) []byte {
	b, _ := json.Marshal(struct {
		Type     string   `json:"type"`
		Unredact []string `json:"unredact_selectors"`
		Secret   []string `json:"secret_selectors"`
		Version  string   `json:"version"`
	}{"policy", nonNilStrings(p.UnredactSelectors), nonNilStrings(p.SecretSelectors), p.Version})
	return b
}

func stateMessage(s Session) []byte {
	b, _ := json.Marshal(struct {
		Type         string       `json:"type"`
		Status       Status       `json:"status"`
		Capabilities []Capability `json:"capabilities"`
		EndReason    string       `json:"end_reason,omitempty"`
	}{"state", s.Status, nonNilCaps(s.Capabilities), s.EndReason})
	return b
}

func errorMessage(code, reason string) []byte {
	b, _ := json.Marshal(map[string]string{"type": "error", "code": code, "reason": reason})
	return b
}

// eventsFrame wraps already-encoded events in {"type":"events","events":[...]}.
func eventsFrame(events []json.RawMessage) []byte {
	n := 32
	for _, e := range events {
		n += len(e) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"type":"events","events":[`...)
	for i, e := range events {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	return append(b, "]}"...)
}

// eventType reads the rrweb type of an event the gate wrote: the gate always
// writes "type" first, as {"type":N,...}. -1 when the bytes do not start so.
func eventType(e []byte) int {
	const prefix = `{"type":`
	if len(e) < len(prefix)+1 || string(e[:len(prefix)]) != prefix {
		return -1
	}
	c := e[len(prefix)]
	if c < '0' || c > '9' || (len(e) > len(prefix)+1 && e[len(prefix)+1] >= '0' && e[len(prefix)+1] <= '9') {
		return -1
	}
	return int(c - '0')
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilCaps(c []Capability) []Capability {
	if c == nil {
		return []Capability{}
	}
	return c
}

// closeReason fits a reason into a close frame (123 bytes of text).
func closeReason(reason string) string {
	if len(reason) <= 123 {
		return reason
	}
	cut := 120
	for cut > 0 && !utf8.RuneStart(reason[cut]) {
		cut--
	}
	return reason[:cut] + "..."
}

package cobrowse

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"unicode/utf8"
)

// The control channel: agent → server → customer. Each message is checked
// twice: its shape on the agent's side (a malformed one closes the agent's
// connection), and what it may do on the customer's side, where the gate's
// mirror lives — the capability the customer granted, and for click, scroll
// and type that the target node is known and not masked. A refused message is
// dropped, logged and answered to the agent with an error message. What is
// forwarded is re-encoded from the fields read, never passed through.

type nodeRule int

const (
	nodeNone     nodeRule = iota // no target node
	nodeKnown                    // the mirror must hold the node
	nodeUnmasked                 // ... and it must not be masked
)

type controlSpec struct {
	need   Capability
	node   nodeRule
	encode func(m inbound) (json.RawMessage, error)
}

// controls are the agent's message types other than "end".
var controls = map[string]controlSpec{
	"pointer":         {CapPointer, nodeNone, encodePointer},
	"highlight":       {CapPointer, nodeKnown, encodeOnNode("highlight")},
	"draw":            {CapDraw, nodeNone, encodeDraw},
	"click":           {CapControl, nodeUnmasked, encodeOnNode("click")},
	"scroll":          {CapControl, nodeUnmasked, encodeScroll},
	"type":            {CapControl, nodeUnmasked, encodeType},
	"request_control": {CapView, nodeNone, encodeRequestControl},
}

const (
	maxCoordinate = 1e7
	maxDrawPoints = 1000
	maxTypedRunes = 1000
)

// agentControl checks an agent's control message and publishes it towards
// the customer's side.
func (rm *room) agentControl(c *conn, m inbound) error {
	msg, err := controls[m.Type].encode(m)
	if err != nil {
		return err
	}
	rm.mu.Lock()
	active, online := rm.sess.Consented(), rm.customer != nil
	rm.mu.Unlock()
	switch {
	case !active:
		c.enqueue(errorMessage("not_active", "the customer has not consented (yet): "+m.Type+" was dropped"))
		return nil
	case !online:
		// With the in-memory broker the customer's side is this room. (A
		// networked broker needs a presence signal here instead.)
		c.enqueue(errorMessage("customer_offline", "the customer's app is not connected: "+m.Type+" was dropped"))
		return nil
	}
	rm.h.publish(rm.id, Message{Kind: MsgControl, Action: m.Type, NodeID: m.NodeID, Control: msg, From: c.id})
	return nil
}

// controlLocked runs on the customer's side: it forwards an allowed control
// message to the customer's app, or answers the agent why not.
func (rm *room) controlLocked(m Message) []Message {
	if rm.customer == nil {
		return nil // not this side of the session
	}
	code, reason := rm.refusalLocked(m)
	if code == "" && !rm.customer.enqueue(m.Control) {
		code, reason = "customer_busy", "the customer's app is not keeping up; "+m.Action+" was dropped"
	}
	if code == "" {
		return nil
	}
	node := -1
	if m.NodeID != nil {
		node = *m.NodeID
	}
	rm.log.Info("cobrowse: control refused", slog.String("action", m.Action), slog.Int("node_id", node),
		slog.String("code", code), slog.String("agent_conn_id", m.From))
	return []Message{{Kind: MsgReply, To: m.From, Code: code, Reason: reason}}
}

// refusalLocked says why m may not reach the customer, or "" when it may.
func (rm *room) refusalLocked(m Message) (code, reason string) {
	spec, ok := controls[m.Action]
	switch {
	case !ok:
		return "bad_control", "unknown control message"
	case !rm.sess.Consented():
		return "not_active", "the customer has not consented: " + m.Action + " was dropped"
	case !Has(rm.sess.Capabilities, spec.need):
		return "capability_missing", fmt.Sprintf("%s needs the %q capability, which the customer has not granted", m.Action, spec.need)
	case spec.node == nodeNone:
		return "", ""
	}
	masked, known := true, false
	if rm.filter != nil && m.NodeID != nil {
		masked, known = rm.filter.Masked(*m.NodeID)
	}
	switch {
	case !known:
		return "unknown_node", fmt.Sprintf("node %d is not on the customer's page: %s was dropped", nodeOf(m), m.Action)
	case spec.node == nodeUnmasked && masked:
		return "masked_node", fmt.Sprintf("node %d is redacted: %s on redacted elements is never allowed", nodeOf(m), m.Action)
	}
	return "", ""
}

func nodeOf(m Message) int {
	if m.NodeID == nil {
		return 0
	}
	return *m.NodeID
}

// Encoders: each checks the fields its type needs and writes the message the
// customer's app receives.

func finite(name string, v *float64) (float64, error) {
	if v == nil {
		return 0, violation("%s is required", name)
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) || math.Abs(*v) > maxCoordinate {
		return 0, violation("%s is out of range", name)
	}
	return *v, nil
}

func nodeID(m inbound) (int, error) {
	if m.NodeID == nil {
		return 0, violation("%s needs a node_id", m.Type)
	}
	if *m.NodeID < 0 {
		return 0, violation("node_id must not be negative")
	}
	return *m.NodeID, nil
}

func encodePointer(m inbound) (json.RawMessage, error) {
	x, err := finite("x", m.X)
	if err != nil {
		return nil, err
	}
	y, err := finite("y", m.Y)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"type": "pointer", "x": x, "y": y})
}

// encodeOnNode encodes a message that names only its node (highlight, click).
func encodeOnNode(typ string) func(inbound) (json.RawMessage, error) {
	return func(m inbound) (json.RawMessage, error) {
		id, err := nodeID(m)
		if err != nil {
			return nil, err
		}
		return json.Marshal(map[string]any{"type": typ, "node_id": id})
	}
}

func encodeDraw(m inbound) (json.RawMessage, error) {
	if len(m.Points) == 0 || len(m.Points) > maxDrawPoints {
		return nil, violation("draw needs 1 to %d points", maxDrawPoints)
	}
	pts := make([]map[string]float64, len(m.Points))
	for i, p := range m.Points {
		x, err := finite(fmt.Sprintf("points[%d].x", i), p.X)
		if err != nil {
			return nil, err
		}
		y, err := finite(fmt.Sprintf("points[%d].y", i), p.Y)
		if err != nil {
			return nil, err
		}
		pts[i] = map[string]float64{"x": x, "y": y}
	}
	return json.Marshal(map[string]any{"type": "draw", "points": pts})
}

func encodeScroll(m inbound) (json.RawMessage, error) {
	id, err := nodeID(m)
	if err != nil {
		return nil, err
	}
	x, err := finite("x", m.X)
	if err != nil {
		return nil, err
	}
	y, err := finite("y", m.Y)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"type": "scroll", "node_id": id, "x": x, "y": y})
}

func encodeType(m inbound) (json.RawMessage, error) {
	id, err := nodeID(m)
	if err != nil {
		return nil, err
	}
	if m.Text == nil {
		return nil, violation("type needs a text")
	}
	if utf8.RuneCountInString(*m.Text) > maxTypedRunes {
		return nil, violation("type text is longer than %d characters", maxTypedRunes)
	}
	return json.Marshal(map[string]any{"type": "type", "node_id": id, "text": *m.Text})
}

func encodeRequestControl(inbound) (json.RawMessage, error) {
	return json.RawMessage(`{"type":"request_control"}`), nil
}

// customerRefused relays the customer's app's own refusal of a control
// message (the SDK checks again on the page: an element it finds redacted,
// gone or read-only) to the agents, as an error they can show. Only known
// words are relayed: action and reason are never copied from the message.
func (rm *room) customerRefused(m inbound) error {
	action := m.Action
	if spec, ok := controls[action]; !ok || spec.node != nodeUnmasked {
		action = "control"
	}
	reason := "it refused"
	switch m.Reason {
	case "masked_node":
		reason = "the element is redacted"
	case "unknown_node":
		reason = "the element is not on the page"
	case "capability_missing":
		reason = "control is not granted"
	case "read_only", "not_a_field":
		reason = "the element does not take typing"
	}
	node := -1
	if m.NodeID != nil {
		node = *m.NodeID
	}
	rm.log.Info("cobrowse: control refused by the customer's app", slog.String("action", action), slog.Int("node_id", node),
		slog.String("reason", reason))
	rm.h.publish(rm.id, Message{Kind: MsgReply, Code: "refused_by_customer",
		Reason: fmt.Sprintf("the customer's app refused %s on node %d: %s", action, node, reason)})
	return nil
}

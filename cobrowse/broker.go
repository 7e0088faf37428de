package cobrowse

import (
	"encoding/json"
	"sync"
)

// Broker carries a session's messages between the places that hold its
// connections. The hub publishes everything that crosses from one side of a
// session to the other through it: gated events from the customer's side,
// control messages from an agent's side, state changes from whoever handled a
// consent or an end. Today every connection of a session lives in one process
// (MemoryBroker); a NATS broker can later let an agent's node and the
// customer's node relay to each other without the hub changing.
//
// Events are published only after the gate: no broker ever carries an
// unredacted byte.
type Broker interface {
	// Publish hands m to every subscriber of the session, in publish order.
	// Publishers on one session are serialized by the caller (one customer
	// reader, one state change at a time).
	Publish(sessionID string, m Message) error
	// Subscribe calls deliver for every message published on the session
	// until cancel is called. deliver must not block: it runs on the
	// publisher's goroutine (or the broker's receive loop).
	Subscribe(sessionID string, deliver func(Message)) (cancel func(), err error)
}

// MessageKind says what a broker message carries.
type MessageKind string

const (
	MsgEvents          MessageKind = "events"           // gated rrweb events, customer side → agents
	MsgControl         MessageKind = "control"          // a validated control message, agent side → customer side
	MsgReply           MessageKind = "reply"            // an error for one agent connection, customer side → agent side
	MsgState           MessageKind = "state"            // the session's new state (consent, capabilities, end)
	MsgSnapshotRequest MessageKind = "snapshot_request" // an agent joined and no full snapshot is held
)

// Message is what travels through a Broker. It has JSON tags so a networked
// broker can encode it as it is. Receivers must not modify it: the in-memory
// broker shares it between them.
type Message struct {
	Kind    MessageKind       `json:"kind"`
	Events  []json.RawMessage `json:"events,omitempty"`
	Control json.RawMessage   `json:"control,omitempty"`
	Action  string            `json:"action,omitempty"` // the control message's type
	NodeID  *int              `json:"node_id,omitempty"`
	From    string            `json:"from,omitempty"` // the agent connection a control message came from
	To      string            `json:"to,omitempty"`   // the agent connection a reply is for
	Code    string            `json:"code,omitempty"`
	Reason  string            `json:"reason,omitempty"`
	Session *Session          `json:"session,omitempty"` // MsgState
	Version int               `json:"version,omitempty"` // MsgState: the session's version
	SentAt  int64             `json:"sent_at,omitempty"`
}

// MemoryBroker is a Broker inside one process.
type MemoryBroker struct {
	mu   sync.RWMutex
	subs map[string][]*subscription
}

type subscription struct {
	deliver func(Message)
}

// NewMemoryBroker returns an empty in-process broker.
func NewMemoryBroker() *MemoryBroker {
	return &MemoryBroker{subs: map[string][]*subscription{}}
}

// Publish delivers m to the session's subscribers on the caller's goroutine.
// The subscriber list is copied first, so a subscriber may cancel (or a new
// one subscribe) while messages are delivered without deadlocking.
func (b *MemoryBroker) Publish(sessionID string, m Message) error {
	b.mu.RLock()
	subs := b.subs[sessionID]
	b.mu.RUnlock()
	for _, s := range subs {
		s.deliver(m)
	}
	return nil
}

// Subscribe registers deliver for the session's messages.
func (b *MemoryBroker) Subscribe(sessionID string, deliver func(Message)) (func(), error) {
	s := &subscription{deliver: deliver}
	b.mu.Lock()
	// Copy on write: Publish iterates over a slice it read under the lock.
	b.subs[sessionID] = append(append([]*subscription(nil), b.subs[sessionID]...), s)
	b.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { b.unsubscribe(sessionID, s) }) }, nil
}

func (b *MemoryBroker) unsubscribe(sessionID string, s *subscription) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var keep []*subscription
	for _, x := range b.subs[sessionID] {
		if x != s {
			keep = append(keep, x)
		}
	}
	if len(keep) == 0 {
		delete(b.subs, sessionID)
		return
	}
	b.subs[sessionID] = keep
}

package cobrowse

import (
	"encoding/json"
	"log/slog"
	"sync"
)

// room is one session as this process serves it: the customer connection
// (at most one), the agent connections, the session's state as last
// published, the late-joiner backlog, and on the customer's side the gate
// and the recorder.
//
// Locks: custMu serializes the customer's messages (gate, recorder,
// publish); mu guards everything else. custMu is taken before mu, never
// after, and no lock is held while publishing.
type room struct {
	h   *Hub
	id  string
	log *slog.Logger

	custMu sync.Mutex
	rec    *recorder // created with the first consented events

	mu            sync.Mutex
	sess          Session
	customer      *conn
	agents        map[*conn]struct{}
	filter        EventFilter // created with the first customer events
	backlog       backlog
	snapshotAsked bool // a snapshot_request is out and no snapshot came since
	closed        bool
	cancel        func() // the broker subscription
}

func newRoom(h *Hub, s Session) *room {
	return &room{h: h, id: s.ID, sess: s, agents: map[*conn]struct{}{},
		log:     h.cfg.Log.With(slog.String("session_id", s.ID)),
		backlog: backlog{maxBytes: h.cfg.BacklogBytes, maxEvents: h.cfg.BacklogEvents}}
}

// refresh reloads the session after the room subscribed, so a state change
// published before the subscription is not missed.
func (rm *room) refresh() {
	ctx, cancel := storeCtx()
	defer cancel()
	s, err := rm.h.store.Session(ctx, rm.id)
	if err != nil {
		rm.log.Error("cobrowse: reload session", slog.String("error", err.Error()))
		return
	}
	rm.deliver(Message{Kind: MsgState, Session: &s, Version: s.Version})
}

// add registers c and greets it; it returns what to publish once the hub's
// lock is released. The greeting is queued under the room's lock, so it
// comes before anything relayed to c.
func (rm *room) add(c *conn) []Message {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if c.role == RoleCustomer {
		if old := rm.customer; old != nil {
			old.close(CloseReplaced, "replaced by a newer connection of the customer")
		}
		rm.customer, rm.snapshotAsked = c, false
		c.enqueue(policyMessage(rm.sess.Policy))
		c.enqueue(stateMessage(rm.sess))
		if rm.sess.Consented() && len(rm.agents) > 0 && !rm.backlog.held() {
			rm.askSnapshotLocked()
		}
		return nil
	}
	rm.agents[c] = struct{}{}
	c.enqueue(stateMessage(rm.sess))
	if !rm.sess.Consented() {
		return nil
	}
	if f := rm.backlog.frame(); f != nil {
		if !c.enqueue(f) {
			rm.cutOffLocked(c)
		}
		return nil
	}
	return []Message{{Kind: MsgSnapshotRequest}}
}

// remove unregisters c and reports whether the room is now empty (and so
// closed).
func (rm *room) remove(c *conn) bool {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if rm.customer == c {
		rm.customer = nil
	}
	delete(rm.agents, c)
	if rm.customer == nil && len(rm.agents) == 0 {
		rm.closed = true
	}
	return rm.closed
}

func (rm *room) agentCount() int {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return len(rm.agents)
}

func (rm *room) counts() (customers, agents int) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if rm.customer != nil {
		customers = 1
	}
	return customers, len(rm.agents)
}

// closeAll closes every connection of the room.
func (rm *room) closeAll(code int, reason string) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if rm.customer != nil {
		rm.customer.close(code, reason)
	}
	for a := range rm.agents {
		a.close(code, reason)
	}
}

// closeRecorder stores what is left of the recording. It waits for the
// customer's reader to finish the message it is on, so nothing recorded is
// lost.
func (rm *room) closeRecorder() {
	rm.custMu.Lock()
	defer rm.custMu.Unlock()
	if rm.rec != nil {
		rm.rec.Close()
	}
}

// flushRecorder stores what the recorder holds now.
func (rm *room) flushRecorder() {
	rm.custMu.Lock()
	rec := rm.rec
	rm.custMu.Unlock()
	if rec != nil {
		rec.flush()
	}
}

// deliver handles one broker message. It runs on the publisher's goroutine,
// never blocks on a connection, and publishes its own follow-ups (a reply to
// an agent) only after releasing the lock.
func (rm *room) deliver(m Message) {
	rm.mu.Lock()
	var out []Message
	if !rm.closed {
		out = rm.deliverLocked(m)
	}
	rm.mu.Unlock()
	rm.h.publish(rm.id, out...)
}

func (rm *room) deliverLocked(m Message) []Message {
	switch m.Kind {
	case MsgEvents:
		rm.relayEventsLocked(m.Events)
	case MsgControl:
		return rm.controlLocked(m)
	case MsgReply:
		rm.replyLocked(m.To, m.Code, m.Reason)
	case MsgState:
		if m.Session != nil {
			rm.applyStateLocked(*m.Session, m.Version)
		}
	case MsgSnapshotRequest:
		rm.askSnapshotLocked()
	}
	return nil
}

// relayEventsLocked fans gated events out to the agents, cutting off any
// agent that cannot keep up, and keeps the late-joiner backlog.
func (rm *room) relayEventsLocked(events []json.RawMessage) {
	if !rm.sess.Consented() {
		return // consent was withdrawn while these were in flight
	}
	rm.backlog.add(events)
	if rm.backlog.held() {
		rm.snapshotAsked = false
	}
	if len(rm.agents) == 0 {
		return
	}
	frame := eventsFrame(events)
	for a := range rm.agents {
		if !a.enqueue(frame) {
			rm.cutOffLocked(a)
		}
	}
}

func (rm *room) cutOffLocked(a *conn) {
	delete(rm.agents, a)
	rm.h.cutOff.Add(1)
	rm.log.Warn("cobrowse: agent too slow; cut off", slog.String("conn_id", a.id),
		slog.Int64("queued_bytes", a.queued.Load()), slog.Int("queued", len(a.send)))
	a.close(CloseTooSlow, "too slow: the agent connection fell behind the customer's page; reconnect to resume")
}

func (rm *room) applyStateLocked(s Session, version int) {
	if version < rm.sess.Version {
		return // an older change arriving late
	}
	wasConsented := rm.sess.Consented()
	if len(s.Policy.Version) == 0 {
		s.Policy = rm.sess.Policy // a networked broker does not carry it
	}
	s.Version = version
	rm.sess = s
	msg := stateMessage(s)
	if rm.customer != nil {
		rm.customer.enqueue(msg)
	}
	for a := range rm.agents {
		a.enqueue(msg)
	}
	switch {
	case s.Status == StatusEnded:
		rm.endLocked()
	case s.Consented() && !wasConsented && len(rm.agents) > 0 && !rm.backlog.held():
		rm.askSnapshotLocked()
	case !s.Consented():
		rm.backlog.reset()
	}
}

// endLocked closes every connection with the session's end reason and drops
// the backlog: nothing more flows.
func (rm *room) endLocked() {
	reason := rm.sess.endMessage()
	rm.backlog.reset()
	if rm.customer != nil {
		rm.customer.close(CloseEnded, reason)
	}
	for a := range rm.agents {
		a.close(CloseEnded, reason)
	}
}

func (rm *room) askSnapshotLocked() {
	if rm.customer == nil || rm.snapshotAsked || !rm.sess.Consented() {
		return
	}
	rm.snapshotAsked = true
	rm.customer.enqueue(snapshotRequestMessage)
}

// replyLocked sends an error to one agent connection, or to every agent
// when to is empty.
func (rm *room) replyLocked(to, code, reason string) {
	for a := range rm.agents {
		if to == "" || a.id == to {
			a.enqueue(errorMessage(code, reason))
		}
	}
}

// handle runs one message from c.
func (rm *room) handle(c *conn, b []byte) error {
	if c.role == RoleCustomer {
		if events, ok := splitEvents(b); ok {
			return rm.fromCustomer(c, inbound{Type: "events", Events: events})
		}
	}
	m, err := parseInbound(b)
	if err != nil {
		return err
	}
	if c.role == RoleCustomer {
		return rm.fromCustomer(c, m)
	}
	return rm.fromAgent(c, m)
}

func (rm *room) fromCustomer(c *conn, m inbound) error {
	switch m.Type {
	case "events":
		if m.Events == nil {
			return violation("an events message needs an events array")
		}
		if len(m.Events) > rm.h.cfg.MaxBatchEvents {
			return violation("more than %d events in one message", rm.h.cfg.MaxBatchEvents)
		}
		return rm.customerEvents(c, m.Events)
	case "consent":
		return rm.customerConsent(c, m)
	case "control_refused":
		return rm.customerRefused(m)
	case "end":
		return rm.end(c, PartyCustomer, EndByCustomer)
	}
	return unknownType(RoleCustomer, m.Type)
}

func (rm *room) fromAgent(c *conn, m inbound) error {
	if m.Type == "end" {
		return rm.end(c, PartyAgent, EndByAgent)
	}
	if _, ok := controls[m.Type]; !ok {
		return unknownType(RoleAgent, m.Type)
	}
	return rm.agentControl(c, m)
}

func (rm *room) end(c *conn, by Party, reason string) error {
	ctx, cancel := storeCtx()
	defer cancel()
	_, err := rm.h.store.End(ctx, rm.id, by, reason)
	return err
}

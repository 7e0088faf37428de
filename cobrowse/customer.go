package cobrowse

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"

	"github.com/settlehq/settle/internal/errs"
)

// The customer's side of a room: every events message goes through the
// session's gate before anything else sees it — the recorder and, through
// the broker, the agents. Nothing is accepted before consent.

// customerEvents gates one batch, records it and publishes it.
func (rm *room) customerEvents(c *conn, raw []json.RawMessage) error {
	rm.custMu.Lock()
	defer rm.custMu.Unlock()
	f, ok, err := rm.acceptFrom(c)
	if err != nil {
		return err
	}
	if !ok {
		rm.refuseBeforeConsent(c, len(raw))
		return nil
	}
	out, drops, broken := gateBatch(f, raw)
	rm.logDrops(drops, len(raw))
	rm.recorderLocked().Add(out, rm.h.cfg.Clock.Now())
	if len(out) > 0 {
		rm.h.publish(rm.id, Message{Kind: MsgEvents, Events: out})
	}
	return broken
}

// acceptFrom reports whether events from c may pass now — the session is
// consented and c is its current customer connection — and returns the
// session's filter, creating it on first use.
func (rm *room) acceptFrom(c *conn) (EventFilter, bool, error) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if !rm.sess.Consented() || rm.customer != c {
		return nil, false, nil
	}
	if rm.filter == nil {
		f, err := rm.h.cfg.NewFilter(rm.sess.Policy)
		if err != nil {
			return nil, false, err
		}
		rm.filter = f
	}
	return rm.filter, true, nil
}

// refuseBeforeConsent drops events sent before consent: they are not gated,
// recorded or kept. The customer's app is told once per connection.
func (rm *room) refuseBeforeConsent(c *conn, n int) {
	rm.log.Info("cobrowse: customer events before consent dropped", slog.Int("events", n))
	if !c.warned {
		c.warned = true
		c.enqueue(errorMessage("consent_required", "events are dropped until the customer has consented"))
	}
}

// gateBatch filters each event; what the gate refuses is left out and
// reported, and the rest of the batch goes on. An event that is not JSON at
// all breaks the protocol: the batch is relayed up to it, and the
// connection is then closed.
func gateBatch(f EventFilter, raw []json.RawMessage) ([]json.RawMessage, []Drop, error) {
	out := make([]json.RawMessage, 0, len(raw))
	var drops []Drop
	for i, ev := range raw {
		res, err := f.Filter(ev)
		var de *DropError
		switch {
		case errors.As(err, &de) && de.Reason == ReasonMalformed && !json.Valid(ev):
			return out, drops, &protocolError{code: CloseMalformed, reason: "malformed JSON in event " + strconv.Itoa(i)}
		case errors.As(err, &de):
			drops = append(drops, Drop{Reason: de.Reason, Detail: de.Detail})
			continue
		case err != nil:
			drops = append(drops, Drop{Reason: ReasonInternal, Detail: "filter failed"})
			continue
		}
		drops = append(drops, res.Dropped...)
		for _, e := range res.Events {
			out = append(out, e)
		}
	}
	return out, drops, nil
}

// logDrops logs one line per batch: counts by reason and the first few
// drops. Gate details never contain page text.
func (rm *room) logDrops(drops []Drop, events int) {
	if len(drops) == 0 {
		return
	}
	counts := map[DropReason]int{}
	for _, d := range drops {
		counts[d.Reason]++
	}
	attrs := []any{slog.Int("events", events), slog.Int("drops", len(drops))}
	for r, n := range counts {
		attrs = append(attrs, slog.Int("dropped_"+string(r), n))
	}
	for i, d := range drops[:min(len(drops), 5)] {
		attrs = append(attrs, slog.Group("drop_"+strconv.Itoa(i), slog.String("reason", string(d.Reason)),
			slog.Int("node_id", d.NodeID), slog.String("detail", d.Detail)))
	}
	rm.log.Info("cobrowse: gate dropped parts of the customer's events", attrs...)
}

// recorderLocked returns the session's recorder (custMu held). A failing
// store ends the session: what cannot be recorded is not shown.
func (rm *room) recorderLocked() *recorder {
	if rm.rec == nil {
		c := rm.h.cfg
		lim := recordLimits{events: c.RecordEvents, bytes: c.RecordBytes, interval: c.RecordInterval, backlog: c.RecordBacklogBytes}
		rm.rec = newRecorder(rm.h.store, rm.id, lim, rm.log, func() {
			ctx, cancel := storeCtx()
			defer cancel()
			if _, err := rm.h.store.End(ctx, rm.id, PartySystem, EndRecording); err != nil {
				rm.log.Error("cobrowse: ending a session whose recording failed", slog.String("error", err.Error()))
			}
		})
	}
	return rm.rec
}

// customerConsent handles a consent message: the same as the HTTP call, so
// the customer's app can grant or revoke control in place. Invalid input is
// answered with an error message; the connection stays.
func (rm *room) customerConsent(c *conn, m inbound) error {
	rm.mu.Lock()
	customerID := rm.sess.CustomerID
	rm.mu.Unlock()
	ctx, cancel := storeCtx()
	defer cancel()
	_, err := rm.h.store.Consent(ctx, rm.id, customerID, ConsentInput{Granted: m.Granted, Capabilities: m.Capabilities}, ViaWebSocket)
	if e, ok := errs.As(err); ok && e.Kind != errs.Internal {
		c.enqueue(errorMessage(e.Code, e.Message))
		return nil
	}
	return err
}

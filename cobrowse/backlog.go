package cobrowse

import "encoding/json"

// backlog is what a late-joining agent needs to rebuild the page: the latest
// gated full snapshot (with the Meta event just before it, which gives the
// replayer the viewport) and every gated event since. It is bounded: past its
// limits it is dropped whole, and the next agent to join asks the customer's
// app for a fresh snapshot instead.
type backlog struct {
	maxBytes  int64
	maxEvents int

	meta   json.RawMessage   // the latest Meta event, held until a snapshot follows
	events []json.RawMessage // snapshot first; nil when no snapshot is held
	bytes  int64
}

// add records gated events in order.
func (b *backlog) add(events []json.RawMessage) {
	for _, e := range events {
		switch eventType(e) {
		case evMeta:
			b.meta = e
			if b.held() {
				b.append(e)
			}
		case evFullSnapshot:
			b.events, b.bytes = nil, 0
			if b.meta != nil {
				b.append(b.meta)
			}
			b.append(e)
		default:
			if b.held() {
				b.append(e)
			}
		}
	}
}

func (b *backlog) append(e json.RawMessage) {
	b.events = append(b.events, e)
	b.bytes += int64(len(e))
	if b.bytes > b.maxBytes || len(b.events) > b.maxEvents {
		b.events, b.bytes = nil, 0
	}
}

// held reports whether a full snapshot (and what followed) is held.
func (b *backlog) held() bool { return b.events != nil }

// frame is the backlog as one events message, or nil when nothing is held.
func (b *backlog) frame() []byte {
	if !b.held() {
		return nil
	}
	return eventsFrame(b.events)
}

func (b *backlog) reset() { *b = backlog{maxBytes: b.maxBytes, maxEvents: b.maxEvents} }

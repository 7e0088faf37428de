package cobrowse

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
)

// Gate re-applies a session's privacy policy to every rrweb event the
// customer's browser sends, on its own mirror of the page, before anything
// reaches an agent or a recording. One Gate serves one session and must see
// that session's events in order. Its methods are safe for concurrent use (a
// mutex serializes them), so the control channel may ask Masked while the
// relay filters.
type Gate struct {
	mu      sync.Mutex
	pol     *compiledPolicy
	version string
	m       mirror
	epoch   uint32 // reclassification passes
	events  uint32 // events filtered
}

// NewGate returns a gate for a session under policy p. It fails when a
// selector is outside the supported subset.
func NewGate(p Policy) (*Gate, error) {
	c, err := compilePolicy(p)
	if err != nil {
		return nil, err
	}
	g := &Gate{pol: c, version: p.Version}
	g.m.reset(0)
	return g, nil
}

// PolicyVersion is the version of the policy the gate applies, for logs and
// recordings.
func (g *Gate) PolicyVersion() string { return g.version }

// Masked reports whether node id is masked (not allowlisted, or secret) in
// the mirror; known is false for ids the mirror does not hold. Remote control
// must not act on masked nodes.
func (g *Gate) Masked(id int) (masked, known bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := g.m.get(id)
	if n == nil {
		return true, false
	}
	return n.masked(), true
}

// FilterResult is what the gate forwards for one incoming event.
type FilterResult struct {
	// Events are redacted rrweb events to forward, in order: usually one; an
	// attribute change that masks inputs an agent has seen adds input events
	// re-sending their values masked.
	Events [][]byte
	// Dropped lists the parts of the event that were left out, for the log.
	Dropped []Drop
}

// DropReason says why the gate left something out.
type DropReason string

const (
	ReasonMalformed   DropReason = "malformed"    // not JSON, or not a shape rrweb sends
	ReasonUnsupported DropReason = "unsupported"  // an event type or source the gate never forwards
	ReasonUnknownNode DropReason = "unknown_node" // a node id the mirror does not hold
	ReasonWrongParent DropReason = "wrong_parent" // a removal naming another parent
	ReasonWrongKind   DropReason = "wrong_kind"   // e.g. a text change aimed at an element
	ReasonDuplicate   DropReason = "duplicate"    // an added node clashing with an existing id
	ReasonLimit       DropReason = "limit"        // past the mirror's depth or size limit
	ReasonInternal    DropReason = "internal"     // a gate bug; the mirror was reset
)

// Drop is one part of an event that was left out. Detail never contains page
// text.
type Drop struct {
	Reason DropReason
	NodeID int // the node concerned, 0 when none
	Detail string
}

// DropError is returned when nothing of an event is forwarded.
type DropError struct {
	Reason DropReason
	Detail string
	Parts  []Drop // for a mutation whose every part was dropped
}

func (e *DropError) Error() string {
	return fmt.Sprintf("cobrowse gate: event dropped: %s: %s", e.Reason, e.Detail)
}

// Filter redacts one rrweb event (JSON). Either it returns the events to
// forward, or a *DropError and nothing to forward. It never forwards a string
// it has not classified, and re-encodes every event from what it decoded, so
// fields it does not know are dropped.
func (g *Gate) Filter(event []byte) (res FilterResult, err error) {
	a := getArena()
	defer putArena(a)
	ev := &a.ev
	if err := decodeEvent(event, ev, a); err != nil {
		return FilterResult{}, &DropError{Reason: ReasonMalformed, Detail: describeDecodeError(err)}
	}
	if ev.Type == nil || ev.Timestamp == nil {
		return FilterResult{}, &DropError{Reason: ReasonMalformed, Detail: "event without type or timestamp"}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			// A bug must not take the relay down, nor leave a half-updated
			// mirror: forget the page, so nothing passes until the next full
			// snapshot rebuilds it.
			g.m.reset(0)
			res, err = FilterResult{}, &DropError{Reason: ReasonInternal, Detail: fmt.Sprint("gate failure: ", r)}
		}
	}()
	g.events++
	f := &filterRun{g: g, a: a, ts: *ev.Timestamp, size: len(event)}
	switch t := *ev.Type; t {
	case evDOMContentLoaded, evLoad:
		w := f.begin(t)
		w.open('{')
		w.close('}')
		f.end(w)
	case evFullSnapshot:
		f.fullSnapshot(ev.Data)
	case evIncremental:
		f.incremental(ev.Data)
	case evMeta:
		f.meta(ev.Data)
	default:
		f.fail(ReasonUnsupported, "event type "+strconv.Itoa(t))
	}
	return f.result()
}

// describeDecodeError names what was wrong without quoting the input.
func describeDecodeError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "invalid JSON at offset " + strconv.FormatInt(syn.Offset, 10)
	case errors.As(err, &typ):
		return "field " + typ.Field + " has the wrong type"
	}
	return "invalid event"
}

// filterRun is the state of filtering one event.
type filterRun struct {
	g      *Gate
	a      *fastArena // the event's decoded data and scratch lists
	ts     float64
	size   int // of the incoming event
	events [][]byte
	drops  []Drop
	fatal  *DropError
	first  jsonWriter // the writer of the first output event
}

func (f *filterRun) drop(reason DropReason, id int, detail string) {
	f.drops = append(f.drops, Drop{Reason: reason, NodeID: id, Detail: detail})
}

func (f *filterRun) fail(reason DropReason, detail string) {
	if f.fatal == nil {
		f.fatal = &DropError{Reason: reason, Detail: detail}
	}
}

func (f *filterRun) result() (FilterResult, error) {
	if f.fatal != nil {
		f.fatal.Parts = f.drops
		return FilterResult{}, f.fatal
	}
	return FilterResult{Events: f.events, Dropped: f.drops}, nil
}

// begin starts an output event of type t; the caller writes data's value.
// The first event of a run is about as long as the input; others (re-masked
// input values) are small.
func (f *filterRun) begin(t int) *jsonWriter {
	var w *jsonWriter
	if len(f.events) == 0 && f.first.b == nil {
		w = &f.first
		w.b = make([]byte, 0, f.size+64)
	} else {
		w = &jsonWriter{b: make([]byte, 0, 256)}
	}
	w.open('{')
	w.kInt("type", t)
	w.key("data")
	return w
}

func (f *filterRun) end(w *jsonWriter) {
	w.kFloat("timestamp", f.ts)
	w.close('}')
	f.events = append(f.events, w.b)
}

// beginIncremental starts an IncrementalSnapshot event of source src and
// opens its data object.
func (f *filterRun) beginIncremental(src int) *jsonWriter {
	w := f.begin(evIncremental)
	w.open('{')
	w.kInt("source", src)
	return w
}

func (f *filterRun) endIncremental(w *jsonWriter) {
	w.close('}')
	f.end(w)
}

func (f *filterRun) fullSnapshot(d *wireData) {
	if d == nil || d.Node == nil {
		f.fail(ReasonMalformed, "full snapshot without a node")
		return
	}
	g := f.g
	g.m.reset(f.size / 64)
	f.build(nil, d.Node, nil, nil)
	if d.Node.m == nil {
		f.fail(ReasonMalformed, "full snapshot root refused")
		return
	}
	w := f.begin(evFullSnapshot)
	w.open('{')
	w.key("node")
	f.writeNode(w, d.Node)
	w.key("initialOffset")
	w.open('{')
	if o := d.InitialOffset; o != nil {
		w.kFloat("top", o.Top)
		w.kFloat("left", o.Left)
	} else {
		w.kInt("top", 0)
		w.kInt("left", 0)
	}
	w.close('}')
	w.close('}')
	f.end(w)
}

func (f *filterRun) meta(d *wireData) {
	if d == nil || d.Width == nil || d.Height == nil {
		f.fail(ReasonMalformed, "meta without width or height")
		return
	}
	href := ""
	if d.Href != nil {
		href, _ = sanitizeURL(*d.Href)
	}
	w := f.begin(evMeta)
	w.open('{')
	w.kStr("href", href)
	w.kFloat("width", *d.Width)
	w.kFloat("height", *d.Height)
	w.close('}')
	f.end(w)
}

func (f *filterRun) incremental(d *wireData) {
	if d == nil || d.Source == nil {
		f.fail(ReasonMalformed, "incremental snapshot without a source")
		return
	}
	switch src := *d.Source; src {
	case srcMutation:
		f.mutation(d)
	case srcInput:
		f.input(d)
	case srcMouseMove, srcTouchMove, srcDrag:
		f.positions(src, d)
	case srcMouseInteraction, srcMediaInteraction:
		f.interaction(src, d)
	case srcScroll:
		f.scroll(d)
	case srcViewportResize:
		f.viewport(d)
	case srcSelection:
		f.selection(d)
	case srcStyleSheetRule:
		f.styleSheetRule(d)
	case srcStyleDeclaration:
		f.styleDeclaration(d)
	case srcAdoptedStyleSheet:
		f.adoptedStyleSheet(d)
	default:
		// Canvas (9), Font (10), Log (11), CustomElement (16) and anything newer
		// carry page data the gate cannot mask.
		f.fail(ReasonUnsupported, "incremental source "+strconv.Itoa(src))
	}
}

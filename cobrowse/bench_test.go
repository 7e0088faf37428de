package cobrowse

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/settlehq/settle/cobrowse/rrwebgen"
)

// The gate's budget: filtering a full snapshot may take at most 1.5 times what
// encoding/json needs to decode the same bytes into `any` and encode them
// again. Compare BenchmarkGateFullSnapshot* with BenchmarkJSONRoundTrip*:
//
//	go test -run '^$' -bench 'FullSnapshot|RoundTrip' -benchmem ./cobrowse

func BenchmarkGateFullSnapshot1MB(b *testing.B)  { benchGate(b, snapshot1MB()) }
func BenchmarkGateFullSnapshot15MB(b *testing.B) { benchGate(b, snapshot15MB()) }
func BenchmarkJSONRoundTrip1MB(b *testing.B)     { benchRoundTrip(b, snapshot1MB()) }
func BenchmarkJSONRoundTrip15MB(b *testing.B)    { benchRoundTrip(b, snapshot15MB()) }

// BenchmarkGateEvent is the steady state: one small mutation on a loaded page.
func BenchmarkGateEvent(b *testing.B) {
	g := benchGateWith(b, snapshot1MB())
	ev := []byte(`{"type":3,"timestamp":2,"data":{"source":0,"texts":[{"id":12,"value":"Order #100234 shipped to Jane"}],"attributes":[{"id":11,"attributes":{"title":"Updated 2026-11-22"}}],"removes":[],"adds":[]}}`)
	b.SetBytes(int64(len(ev)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Filter(ev); err != nil {
			b.Fatal(err)
		}
	}
}

func benchGateWith(b *testing.B, snap []byte) *Gate {
	g, err := NewGate(benchPolicy)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := g.Filter(snap); err != nil {
		b.Fatal(err)
	}
	return g
}

var benchPolicy = Policy{
	UnredactSelectors: []string{".order-summary", "nav", "[data-testid=price]", "main > h1"},
	SecretSelectors:   []string{"[name=cvc]", ".card-field"},
	Version:           "bench",
}

func benchGate(b *testing.B, snap []byte) {
	g := benchGateWith(b, snap)
	b.SetBytes(int64(len(snap)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Filter(snap); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRoundTrip(b *testing.B, snap []byte) {
	b.SetBytes(int64(len(snap)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(snap, &v); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	snap1MB, snap15MB     []byte
	snap1Once, snap15Once sync.Once
)

func snapshot1MB() []byte {
	snap1Once.Do(func() { snap1MB = syntheticSnapshot(1 << 20) })
	return snap1MB
}

func snapshot15MB() []byte {
	snap15Once.Do(func() { snap15MB = syntheticSnapshot(15 << 20) })
	return snap15MB
}

// syntheticSnapshot builds a full-snapshot event of about size bytes that
// looks like a shopping app: nested layout divs, product and order cards with
// text, prices, dates and links, forms with inputs (one a card field), SVG
// icons, and style sheets.
func syntheticSnapshot(size int) []byte {
	s := &snapGen{rng: rand.New(rand.NewPCG(1, 2))}
	head := s.el("head", nil,
		s.el("meta", map[string]any{"charset": "utf-8"}),
		s.el("title", nil, s.text("Orders - Example Pay")),
		s.el("style", map[string]any{"_cssText": s.css(40)}),
		s.el("link", map[string]any{"rel": "stylesheet", "href": "https://cdn.example.com/app.css?v=3"}),
	)
	var sections []any
	approx := 0
	for approx < size {
		sec := s.section()
		b, _ := json.Marshal(sec)
		approx += len(b)
		sections = append(sections, sec)
	}
	body := s.el("body", map[string]any{"class": "app"}, s.el("nav", map[string]any{"class": "top"},
		s.el("a", map[string]any{"href": "/orders?page=2"}, s.text("Orders")),
		s.el("a", map[string]any{"href": "/help"}, s.text("Help"))),
		s.el("main", map[string]any{"id": "main"}, append([]any{s.el("h1", nil, s.text("Your orders"))}, sections...)...))
	doc := map[string]any{"id": s.id(), "type": 0, "childNodes": []any{
		map[string]any{"id": s.id(), "type": 1, "name": "html", "publicId": "", "systemId": ""},
		s.el("html", map[string]any{"lang": "en"}, head, body),
	}}
	ev := map[string]any{"type": 2, "timestamp": 1732233600123,
		"data": map[string]any{"node": doc, "initialOffset": map[string]any{"top": 0, "left": 0}}}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return b
}

type snapGen struct {
	rng  *rand.Rand
	next int
}

func (s *snapGen) id() int { s.next++; return s.next }

func (s *snapGen) el(tag string, attrs map[string]any, kids ...any) map[string]any {
	if attrs == nil {
		attrs = map[string]any{}
	}
	if kids == nil {
		kids = []any{}
	}
	return map[string]any{"id": s.id(), "type": 2, "tagName": tag, "attributes": attrs, "childNodes": kids}
}

func (s *snapGen) text(t string) map[string]any {
	return map[string]any{"id": s.id(), "type": 3, "textContent": t}
}

var benchWords = strings.Fields(`order shipped delivered refund return item package the your
	was has been on to for with payment plan installment due paid merchant store jacket shoes
	headphones charger blue large small pack of two and customer support tracking`)

func (s *snapGen) words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = benchWords[s.rng.IntN(len(benchWords))]
	}
	return strings.Join(w, " ")
}

// section is one order card: about 2 KB of JSON.
func (s *snapGen) section() map[string]any {
	order := fmt.Sprintf("#%d", 100000+s.rng.IntN(900000))
	price := fmt.Sprintf("$%d.%02d", s.rng.IntN(2000), s.rng.IntN(100))
	return s.el("div", map[string]any{"class": "order-card card", "data-order": order},
		s.el("div", map[string]any{"class": "row header"},
			s.el("h3", map[string]any{"class": "title"}, s.text("Order "+order)),
			s.el("span", map[string]any{"class": "date", "title": "Placed 2026-11-22"}, s.text("Nov 22, 2026"))),
		s.el("div", map[string]any{"class": "order-summary"},
			s.el("p", nil, s.text(s.words(12))),
			s.el("span", map[string]any{"data-testid": "price", "class": "price"}, s.text(price)),
			s.el("img", map[string]any{"src": "https://img.example.com/p/123.jpg?w=200", "alt": s.words(3)})),
		s.el("form", map[string]any{"class": "row"},
			s.el("label", map[string]any{"for": "n"}, s.text("Name on card")),
			s.el("input", map[string]any{"type": "text", "name": "name", "value": "Jane Q. Customer", "placeholder": "Full name"}),
			s.el("input", map[string]any{"type": "text", "name": "cvc", "class": "card-field", "autocomplete": "cc-csc", "value": "123"}),
			s.el("button", map[string]any{"type": "submit", "aria-label": "Pay now"}, s.text("Pay")),
			s.el("svg", map[string]any{"viewBox": "0 0 24 24", "width": "16"},
				map[string]any{"id": s.id(), "type": 2, "tagName": "path", "isSVG": true, "childNodes": []any{},
					"attributes": map[string]any{"d": "M12 2L2 7l10 5 10-5-10-5z", "fill": "none"}})),
		s.el("div", map[string]any{"class": "row tracking"},
			s.el("a", map[string]any{"href": "https://track.example.com/t?n=1Z999AA10123456784"}, s.text("Track package")),
			s.el("p", map[string]any{"style": "color: #333; margin: 0 8px"}, s.text(s.words(20)))),
	)
}

func (s *snapGen) css(rules int) string {
	var b strings.Builder
	for i := 0; i < rules; i++ {
		fmt.Fprintf(&b, ".c%d .x:hover{color:#%06x;font-family:\"Helvetica Neue\",sans-serif;margin:%dpx 0}", i, s.rng.IntN(1<<24), i%16)
	}
	b.WriteString(`.badge::after{content:"new"}`)
	return b.String()
}

// BenchmarkGateStream is the relay's steady state: the generated stream that
// `settle bench relay` replays (a 64 KB page, then batches of six events:
// mouse moves, text and class changes, inputs, clicks, scrolls, a toast added
// and removed), one event per iteration, under the relay's policy. On Unix it
// also reports cpu-ns/op, the process's CPU time per event (GC included),
// which a busy machine distorts far less than ns/op:
//
//	go test -run '^$' -bench GateStream -count 6 ./cobrowse | benchstat -
func BenchmarkGateStream(b *testing.B) {
	page := rrwebgen.NewPage(64<<10, 1)
	var events [][]byte
	for _, batch := range page.Batches(40, 6, 2) {
		events = append(events, batch...)
	}
	g := benchGateWith(b, page.Snapshot)
	size := 0
	for _, ev := range events {
		size += len(ev)
	}
	b.SetBytes(int64(size / len(events)))
	b.ReportAllocs()
	i, cpu := 0, processCPU()
	for b.Loop() {
		if _, err := g.Filter(events[i%len(events)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	if cpu := processCPU() - cpu; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

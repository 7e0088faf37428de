// Package rrwebgen makes realistic, deterministic rrweb event streams for
// benchmarks: a shopping app's full snapshot of a chosen size (nested
// layout, order cards with text, prices and dates, forms with a card field,
// SVG icons, style sheets), then the incremental events a customer produces
// using it — mutations (text, attributes, nodes added and removed), mouse
// moves, clicks, scrolls, inputs and viewport changes — in batches the way
// the SDK flushes them. It never reads a clock or global randomness: the
// same seed gives the same bytes.
package rrwebgen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Timestamp is every generated event's timestamp: 13 digits, so a
// benchmark can overwrite it in place with 1e12 + microseconds to measure
// delivery latency without re-encoding.
const Timestamp = "1000000000000"

// Page is a generated page and what its stream may touch.
type Page struct {
	Meta     []byte // the Meta event before the snapshot
	Snapshot []byte // the FullSnapshot event

	texts     []int // text nodes inside order cards
	inputs    []int // text inputs
	clickable []int // buttons and links
	cards     []int // card elements (attribute changes, adds go under the first)
	main      int   // the scrolling main element
	next      int   // first id free for added nodes
}

// NewPage generates a page whose snapshot is about size bytes.
func NewPage(size int, seed uint64) *Page {
	g := &gen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), p: &Page{}}
	head := g.el("head", nil,
		g.el("meta", map[string]any{"charset": "utf-8"}),
		g.el("title", nil, g.text("Orders - Example Pay", false)),
		g.el("style", map[string]any{"_cssText": g.css(40)}),
		g.el("link", map[string]any{"rel": "stylesheet", "href": "https://cdn.example.com/app.css?v=3"}),
	)
	var sections []any
	for approx := 0; approx < size; {
		sec := g.section()
		b, _ := json.Marshal(sec)
		approx += len(b)
		sections = append(sections, sec)
	}
	nav := g.el("nav", map[string]any{"class": "top"},
		g.link("/orders?page=2", "Orders"), g.link("/help", "Help"))
	mainEl := g.el("main", map[string]any{"id": "main", "class": "scroll"}, append([]any{g.el("h1", nil, g.text("Your orders", false))}, sections...)...)
	g.p.main = mainEl["id"].(int)
	body := g.el("body", map[string]any{"class": "app"}, nav, mainEl)
	doc := map[string]any{"id": g.id(), "type": 0, "childNodes": []any{
		map[string]any{"id": g.id(), "type": 1, "name": "html", "publicId": "", "systemId": ""},
		g.el("html", map[string]any{"lang": "en"}, head, body),
	}}
	g.p.Meta = event(4, map[string]any{"href": "https://app.example.com/orders", "width": 390, "height": 844})
	g.p.Snapshot = event(2, map[string]any{"node": doc, "initialOffset": map[string]any{"top": 0, "left": 0}})
	g.p.next = g.next + 1
	return g.p
}

// event encodes an rrweb event with the placeholder timestamp, its members
// in rrweb's order (type, data, timestamp).
func event(typ int, data any) []byte {
	d, err := json.Marshal(data)
	if err != nil {
		panic(err)
	}
	return fmt.Appendf(nil, `{"type":%d,"data":%s,"timestamp":%s}`, typ, d, Timestamp)
}

type gen struct {
	rng  *rand.Rand
	p    *Page
	next int
}

func (g *gen) id() int { g.next++; return g.next }

func (g *gen) el(tag string, attrs map[string]any, kids ...any) map[string]any {
	if attrs == nil {
		attrs = map[string]any{}
	}
	if kids == nil {
		kids = []any{}
	}
	return map[string]any{"id": g.id(), "type": 2, "tagName": tag, "attributes": attrs, "childNodes": kids}
}

func (g *gen) text(t string, track bool) map[string]any {
	n := map[string]any{"id": g.id(), "type": 3, "textContent": t}
	if track {
		g.p.texts = append(g.p.texts, n["id"].(int))
	}
	return n
}

func (g *gen) link(href, label string) map[string]any {
	a := g.el("a", map[string]any{"href": href}, g.text(label, false))
	g.p.clickable = append(g.p.clickable, a["id"].(int))
	return a
}

var words = strings.Fields(`order shipped delivered refund return item package the your
	was has been on to for with payment plan installment due paid merchant store jacket shoes
	headphones charger blue large small pack of two and customer support tracking`)

func (g *gen) words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = words[g.rng.IntN(len(words))]
	}
	return strings.Join(w, " ")
}

// section is one order card: about 2 KB of JSON.
func (g *gen) section() map[string]any {
	order := fmt.Sprintf("#%d", 100000+g.rng.IntN(900000))
	price := fmt.Sprintf("$%d.%02d", g.rng.IntN(2000), g.rng.IntN(100))
	name := g.el("input", map[string]any{"type": "text", "name": "name", "value": "Jane Q. Customer", "placeholder": "Full name"})
	g.p.inputs = append(g.p.inputs, name["id"].(int))
	pay := g.el("button", map[string]any{"type": "submit", "aria-label": "Pay now"}, g.text("Pay", false))
	g.p.clickable = append(g.p.clickable, pay["id"].(int))
	card := g.el("div", map[string]any{"class": "order-card card", "data-order": order},
		g.el("div", map[string]any{"class": "row header"},
			g.el("h3", map[string]any{"class": "title"}, g.text("Order "+order, true)),
			g.el("span", map[string]any{"class": "date", "title": "Placed 2026-11-22"}, g.text("Nov 22, 2026", false))),
		g.el("div", map[string]any{"class": "order-summary"},
			g.el("p", nil, g.text(g.words(12), true)),
			g.el("span", map[string]any{"data-testid": "price", "class": "price"}, g.text(price, true)),
			g.el("img", map[string]any{"src": "https://img.example.com/p/123.jpg?w=200", "alt": g.words(3)})),
		g.el("form", map[string]any{"class": "row"},
			g.el("label", map[string]any{"for": "n"}, g.text("Name on card", false)),
			name,
			g.el("input", map[string]any{"type": "text", "name": "cvc", "class": "card-field", "autocomplete": "cc-csc", "value": "123"}),
			pay,
			g.el("svg", map[string]any{"viewBox": "0 0 24 24", "width": "16"},
				map[string]any{"id": g.id(), "type": 2, "tagName": "path", "isSVG": true, "childNodes": []any{},
					"attributes": map[string]any{"d": "M12 2L2 7l10 5 10-5-10-5z", "fill": "none"}})),
		g.el("div", map[string]any{"class": "row tracking"},
			g.link("https://track.example.com/t?n=1Z999AA10123456784", "Track package"),
			g.el("p", map[string]any{"style": "color: #333; margin: 0 8px"}, g.text(g.words(20), true))),
	)
	g.p.cards = append(g.p.cards, card["id"].(int))
	return card
}

func (g *gen) css(rules int) string {
	var b strings.Builder
	for i := 0; i < rules; i++ {
		fmt.Fprintf(&b, ".c%d .x:hover{color:#%06x;font-family:\"Helvetica Neue\",sans-serif;margin:%dpx 0}", i, g.rng.IntN(1<<24), i%16)
	}
	b.WriteString(`.badge::after{content:"new"}`)
	return b.String()
}

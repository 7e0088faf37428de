package cobrowse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// An independent check of the gate's output, used by the leak corpus and the
// fuzz target. It rebuilds the page from what the gate forwarded, the way a
// replayer would, and asserts two properties:
//
//  1. no string contains a Luhn-valid card number (13-19 digits, optionally
//     grouped by single spaces, dashes or no-break spaces);
//  2. every text, input value and text attribute forwarded for a node that is
//     not allowlisted in the forwarded page is fully masked;
//  3. after every event, every node that is not allowlisted shows only
//     masked text, text attributes and input values: when a node leaves the
//     allowlist, what it displayed must be re-sent masked.
//
// Allowlisting is judged on the forwarded attributes (data-settle-unredact,
// and the policy's selectors, which must only test attributes the gate
// forwards as they are, such as class and id). Secret rules are not
// re-checked: the gate is stricter than this oracle there.

// out holds one forwarded event per line, and an empty line after the events
// of each Filter call: the view is checked once a call's events are applied.
func checkGateOutput(out []byte, p Policy) error {
	pol, err := compilePolicy(p)
	if err != nil {
		return err
	}
	o := &oracle{pol: pol, nodes: map[int]*oracleNode{}}
	for i, group := range bytes.Split(out, []byte("\n\n")) {
		for _, line := range bytes.Split(bytes.TrimSpace(group), []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			var ev map[string]any
			if err := json.Unmarshal(line, &ev); err != nil {
				return fmt.Errorf("call %d: %v", i, err)
			}
			if s, ok := findCardString(ev); ok {
				return fmt.Errorf("call %d forwards a card number in %q", i, s)
			}
			if err := o.apply(ev); err != nil {
				return fmt.Errorf("call %d: %v: %s", i, err, line)
			}
		}
		if err := o.checkView(); err != nil {
			return fmt.Errorf("after call %d: %v: %s", i, err, group)
		}
	}
	return nil
}

type oracleNode struct {
	mirrorNode // reuses kind, tag, keys (all attributes) and parent for selector matching
	kids       []*oracleNode
	up         *oracleNode
	text       string // displayed text of text-like nodes
	input      string // displayed input value
}

type oracle struct {
	pol   *compiledPolicy
	nodes map[int]*oracleNode
}

func (o *oracle) allowed(n *oracleNode) bool {
	for a := n; a != nil; a = a.up {
		if a.kind != ntElement {
			continue
		}
		if _, ok := a.key("data-settle-unredact"); ok || o.pol.unredact.match(&a.mirrorNode) {
			return true
		}
	}
	return false
}

func (o *oracle) apply(ev map[string]any) error {
	data, _ := ev["data"].(map[string]any)
	switch num(ev["type"]) {
	case evFullSnapshot:
		o.nodes = map[int]*oracleNode{}
		root, _ := data["node"].(map[string]any)
		n := o.build(nil, root)
		return o.checkSubtree(n, root)
	case evIncremental:
		switch num(data["source"]) {
		case srcMutation:
			return o.mutation(data)
		case srcInput:
			n := o.nodes[num(data["id"])]
			if n != nil && !o.allowed(n) && !isMasked(data["text"]) {
				return fmt.Errorf("input value of masked node %d forwarded", n.id)
			}
			if n != nil {
				n.input, _ = data["text"].(string)
			}
		}
	}
	return nil
}

func (o *oracle) build(parent *oracleNode, w map[string]any) *oracleNode {
	if w == nil {
		return nil
	}
	id := num(w["id"])
	n := o.nodes[id]
	if n == nil {
		n = &oracleNode{}
		n.id, n.kind = id, uint8(num(w["type"]))
		o.nodes[id] = n
	} else {
		o.detach(n)
	}
	n.tag, _ = w["tagName"].(string)
	n.text, _ = w["textContent"].(string)
	n.keys = nil
	attrs, _ := w["attributes"].(map[string]any)
	for k, v := range attrs {
		if s, ok := keyString(v); ok {
			n.keys = setKey(n.keys, lowerASCII(k), s)
		}
	}
	o.attach(n, parent)
	kids, _ := w["childNodes"].([]any)
	for _, k := range kids {
		km, _ := k.(map[string]any)
		o.build(n, km)
	}
	return n
}

func (o *oracle) attach(n, parent *oracleNode) {
	n.up = parent
	n.parent = nil
	if parent != nil {
		parent.kids = append(parent.kids, n)
		n.parent = &parent.mirrorNode
	}
}

func (o *oracle) detach(n *oracleNode) {
	if p := n.up; p != nil {
		for i, k := range p.kids {
			if k == n {
				p.kids = append(p.kids[:i], p.kids[i+1:]...)
				break
			}
		}
	}
	n.up, n.parent = nil, nil
}

func (o *oracle) forget(n *oracleNode) {
	delete(o.nodes, n.id)
	for _, k := range n.kids {
		o.forget(k)
	}
}

func (o *oracle) mutation(d map[string]any) error {
	for _, r := range list(d["removes"]) {
		if n := o.nodes[num(r["id"])]; n != nil {
			o.detach(n)
			o.forget(n)
		}
	}
	adds := list(d["adds"])
	for pending := len(adds) + 1; len(adds) > 0 && len(adds) < pending; {
		pending = len(adds)
		var later []map[string]any
		for _, a := range adds {
			if p := o.nodes[num(a["parentId"])]; p != nil {
				node, _ := a["node"].(map[string]any)
				o.build(p, node)
			} else {
				later = append(later, a)
			}
		}
		adds = later
	}
	for _, c := range list(d["attributes"]) {
		n := o.nodes[num(c["id"])]
		attrs, _ := c["attributes"].(map[string]any)
		for k, v := range attrs {
			if s, ok := keyString(v); ok && n != nil {
				n.keys = setKey(n.keys, lowerASCII(k), s)
			} else if n != nil {
				n.keys = deleteKey(n.keys, lowerASCII(k))
			}
		}
	}
	return o.checkMutation(d)
}

func (o *oracle) checkMutation(d map[string]any) error {
	for _, t := range list(d["texts"]) {
		if n := o.nodes[num(t["id"])]; n != nil {
			n.text, _ = t["value"].(string)
		}
		if n := o.nodes[num(t["id"])]; n != nil && o.mustMaskText(n) && !isMasked(t["value"]) {
			return fmt.Errorf("text of masked node %d forwarded", n.id)
		}
	}
	for _, c := range list(d["attributes"]) {
		n := o.nodes[num(c["id"])]
		attrs, _ := c["attributes"].(map[string]any)
		if n != nil && !o.allowed(n) {
			if err := checkAttrs(n, attrs); err != nil {
				return err
			}
		}
	}
	for _, a := range list(d["adds"]) {
		node, _ := a["node"].(map[string]any)
		if err := o.checkSubtree(o.nodes[num(node["id"])], node); err != nil {
			return err
		}
	}
	return nil
}

// checkSubtree checks a forwarded serialized subtree against the page.
func (o *oracle) checkSubtree(n *oracleNode, w map[string]any) error {
	if n == nil || w == nil {
		return nil
	}
	if text, ok := w["textContent"]; ok && o.mustMaskText(n) && !isMasked(text) {
		return fmt.Errorf("text of masked node %d forwarded", n.id)
	}
	if attrs, ok := w["attributes"].(map[string]any); ok && !o.allowed(n) {
		if err := checkAttrs(n, attrs); err != nil {
			return err
		}
	}
	for _, k := range list(w["childNodes"]) {
		if err := o.checkSubtree(o.nodes[num(k["id"])], k); err != nil {
			return err
		}
	}
	return nil
}

// checkView checks what every node displays now.
func (o *oracle) checkView() error {
	for _, n := range o.nodes {
		switch {
		case n.kind != ntElement:
			if o.mustMaskText(n) && !isMasked(n.text) {
				return fmt.Errorf("masked node %d still shows text %q", n.id, n.text)
			}
		case !o.allowed(n):
			if !isMasked(n.input) {
				return fmt.Errorf("masked node %d still shows input %q", n.id, n.input)
			}
			attrs := map[string]any{}
			for _, kv := range n.keys {
				attrs[kv.name] = kv.value
			}
			if err := checkAttrs(n, attrs); err != nil {
				return fmt.Errorf("still shown: %v", err)
			}
		}
	}
	return nil
}

func (o *oracle) mustMaskText(n *oracleNode) bool {
	if n.up != nil && n.up.kind == ntElement && (n.up.tag == "style" || n.up.tag == "script") {
		return false
	}
	return !o.allowed(n)
}

func checkAttrs(n *oracleNode, attrs map[string]any) error {
	for k, v := range attrs {
		s, ok := v.(string)
		if !ok {
			continue
		}
		c := classifyAttr(lowerASCII(n.tag), lowerASCII(k))
		if c == attrEnum && enumValues[lowerASCII(s)] {
			continue
		}
		if (c == attrText || c == attrEnum) && !isMasked(s) {
			return fmt.Errorf("attribute %s of masked node %d forwarded", k, n.id)
		}
	}
	return nil
}

func isMasked(v any) bool {
	s, ok := v.(string)
	if !ok {
		return v == nil
	}
	for _, r := range s {
		if r != '*' && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func list(v any) []map[string]any {
	var out []map[string]any
	items, _ := v.([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// findCardString walks decoded JSON for a string holding a card number.
func findCardString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, hasCardNumber(x)
	case map[string]any:
		for k, e := range x {
			if hasCardNumber(k) {
				return k, true
			}
			if s, ok := findCardString(e); ok {
				return s, true
			}
		}
	case []any:
		for _, e := range x {
			if s, ok := findCardString(e); ok {
				return s, true
			}
		}
	}
	return "", false
}

// hasCardNumber tries every substring that starts and ends on a digit with
// non-digits (or the ends of s) outside it; deliberately brute force.
func hasCardNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			continue
		}
		var digits []byte
		for j := i; j < len(s); {
			if isDigit(s[j]) {
				digits = append(digits, s[j])
				j++
				if (j == len(s) || !isDigit(s[j])) && len(digits) >= 13 && len(digits) <= 19 && luhnValid(digits) {
					return true
				}
				continue
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			sep := r == ' ' || r == '-' || r == '\u00a0' || r == '\u2007' || r == '\u2009' || r == '\u202f'
			if !sep || j+size >= len(s) || !isDigit(s[j+size]) || len(digits) > 19 {
				break
			}
			j += size
		}
	}
	return false
}

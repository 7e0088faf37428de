package cobrowse

import (
	"testing"

	"github.com/settlehq/settle/internal/errs"
)

func TestParseSelectorListRejects(t *testing.T) {
	for _, s := range []string{
		"", " ", "a,", ",a", "a,,b", "a:hover", "a::before", "a + b", "a ~ b", "a >", "> a",
		"svg|rect", "[data-x|=en]", "[data-x=\"a\\\"b\"]", "[data-x=a i]", "[data-x", "#", ".",
		"a:not(.b)", "div#", "[=x]", "[data-x=]", "a & b", "#1a",
	} {
		t.Run("rejects "+s, func(t *testing.T) {
			if l, err := parseSelectorList(s); err == nil {
				t.Errorf("parseSelectorList(%q) = %v, want an error", s, l)
			}
		})
	}
}

func TestPolicyValidateNamesTheField(t *testing.T) {
	err := Policy{SecretSelectors: []string{".ok", "input:focus"}}.Validate()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Unprocessable || e.Field != "secret_selectors" {
		t.Fatalf("Validate() = %v, want an unprocessable error on secret_selectors", err)
	}
}

// selectorTree is a small page:
//
//	<main id=main class="page wide">
//	  <section data-testid="summary" class=card>
//	    <p class="total"><b>…</b></p>
//	  </section>
//	  <form><input name=cvc type=text></form>
//	</main>
func selectorTree() map[string]*mirrorNode {
	mk := func(tag string, parent *mirrorNode, keys ...string) *mirrorNode {
		n := &mirrorNode{kind: ntElement, tag: tag, parent: parent}
		for i := 0; i+1 < len(keys); i += 2 {
			n.keys = append(n.keys, attrKV{keys[i], keys[i+1]})
		}
		return n
	}
	main := mk("main", nil, "id", "main", "class", "page wide")
	section := mk("section", main, "data-testid", "summary", "class", "card")
	p := mk("p", section, "class", "total")
	b := mk("b", p)
	form := mk("form", main)
	input := mk("input", form, "name", "cvc", "type", "text")
	text := &mirrorNode{kind: ntText, parent: b}
	return map[string]*mirrorNode{"main": main, "section": section, "p": p, "b": b, "form": form, "input": input, "text": text}
}

func TestSelectorMatch(t *testing.T) {
	tree := selectorTree()
	tests := []struct {
		sel  string
		node string
		want bool
	}{
		{"main", "main", true},
		{"MAIN", "main", true},
		{"*", "b", true},
		{"#main", "main", true},
		{"#Main", "main", false},
		{".wide", "main", true},
		{".wid", "main", false},
		{"main.page.wide", "main", true},
		{"[data-testid]", "section", true},
		{"[DATA-TESTID=summary]", "section", true},
		{"[data-testid='summary']", "section", true},
		{"[data-testid^=sum]", "section", true},
		{"[data-testid$=ary]", "section", true},
		{"[data-testid*=mma]", "section", true},
		{"[data-testid^='']", "section", false},
		{"[class~=page]", "main", true},
		{"main b", "b", true},
		{"main > b", "b", false},
		{"section > p > b", "b", true},
		{"main > section b", "b", true},
		{"#main section > p b", "b", true},
		{"form b", "b", false},
		{".card .total", "p", true},
		{"[name=cvc]", "input", true},
		{"form > [name=cvc]", "input", true},
		{"section [name=cvc]", "input", false},
		{"p, input", "input", true},
		{"b", "text", false},
		{"main *", "main", false},
	}
	for _, tt := range tests {
		t.Run(tt.sel+" on "+tt.node, func(t *testing.T) {
			l, err := parseSelectorList(tt.sel)
			if err != nil {
				t.Fatal(err)
			}
			if got := l.match(tree[tt.node]); got != tt.want {
				t.Errorf("%q matches %s = %v, want %v", tt.sel, tt.node, got, tt.want)
			}
		})
	}
}

// A hostile page can nest deeply; matching must stay linear in depth.
func TestSelectorMatchDeepTreeIsFast(t *testing.T) {
	var n *mirrorNode
	for i := 0; i < maxMirrorDepth; i++ {
		n = &mirrorNode{kind: ntElement, tag: "div", parent: n}
	}
	l, err := parseSelectorList("div div div div > span div")
	if err != nil {
		t.Fatal(err)
	}
	if l.match(n) {
		t.Fatal("matched without a span")
	}
}

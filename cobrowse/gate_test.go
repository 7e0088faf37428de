package cobrowse

import (
	"errors"
	"strings"
	"testing"
)

var gateTestPolicy = Policy{UnredactSelectors: []string{".summary", "nav"}, SecretSelectors: []string{"[name=cvc]"}, Version: "t1"}

// gateTestPage exercises the snapshot rules in one page.
func gateTestPage() rrNode {
	return rrDoc(
		rrElem(10, "div", map[string]any{"class": "summary", "title": "Order total"},
			rrText(11, "Order total $42.00 on 2026-11-22"),
			rrElem(12, "input", map[string]any{"type": "password", "value": "hunter2"}),
			rrElem(13, "span", map[string]any{"data-settle-secret": ""}, rrText(14, "Sneaky secret")),
			rrElem(15, "input", map[string]any{"name": "cvc", "value": "737"}),
			rrElem(16, "label", nil, rrText(17, "Card 4111 1111 1111 1111, mail jane@example.com")),
		),
		rrElem(20, "div", map[string]any{"title": "Jane Q. Customer", "data-user": "Jane Q. Customer", "aria-expanded": "true"},
			rrText(21, "Jane Q. Customer")),
		rrElem(30, "a", map[string]any{"href": "https://shop.example/o/1?token=abc#frag", "onclick": "steal()", "class": "link"},
			rrText(31, "Your order")),
		rrElem(32, "iframe", map[string]any{"srcdoc": "<p>Frame Secret</p>", "src": "javascript:alert(1)"}),
		rrElem(33, "canvas", map[string]any{"rr_dataURL": "data:image/png;base64,CANVASDATA"}),
		rrElem(34, "img", map[string]any{"src": "data:image/png;base64,IMGDATA", "alt": "Avatar of Jane"}),
		rrElem(35, "style", map[string]any{"_cssText": `.x::after{content:"Style Secret"} .y{background:url(data:image/png;base64,CSSDATA)}`}),
		rrElem(36, "script", map[string]any{"src": "/app.js?k=1"}, rrText(37, "var scriptSecret = 1")),
		rrElem(38, "div", map[string]any{"data-settle-unredact": ""}, rrText(39, "Call +44 20 7946 0958 today")),
		rrElem(40, "div", nil, rrNode{"id": 41, "type": 3, "textContent": "Spoofed Style Secret", "isStyle": true}),
	)
}

func TestGateSnapshot(t *testing.T) {
	g := newTestGate(t, gateTestPolicy)
	out := mustFilter(t, g, rrSnapshot(t, gateTestPage()))
	tests := []struct {
		name    string
		present bool
		s       string
	}{
		{"allowlisted text survives", true, "Order total $42.00 on 2026-11-22"},
		{"allowlisted title survives", true, `"title":"Order total"`},
		{"password value is masked", false, "hunter2"},
		{"data-settle-secret text is masked inside an allowlist", false, "Sneaky secret"},
		{"secret selector masks inside an allowlist", false, `"737"`},
		{"card in allowlisted text is masked", false, "4111"},
		{"email in allowlisted text is masked", false, "jane@example.com"},
		{"allowlisted label keeps its other words", true, "Card **** **** **** ****, mail ****************"},
		{"text outside the allowlist is masked", false, "Jane Q. Customer"},
		{"masked text keeps its shape", true, `"textContent":"**** ** ********"`},
		{"enumerated aria state survives", true, `"aria-expanded":"true"`},
		{"query and fragment are dropped", true, `"href":"https://shop.example/o/1"`},
		{"event handlers are dropped", false, "steal()"},
		{"srcdoc is dropped", false, "Frame Secret"},
		{"javascript urls are dropped", false, "javascript:"},
		{"canvas data is dropped", false, "CANVASDATA"},
		{"image data urls are dropped", false, "IMGDATA"},
		{"alt of a masked image is masked", false, "Avatar of Jane"},
		{"css content strings are blanked", false, "Style Secret"},
		{"css data urls are blanked", false, "CSSDATA"},
		{"script text is dropped", false, "scriptSecret"},
		{"script attributes are dropped", false, "app.js"},
		{"phone in an unredacted block is masked", true, "Call *** ** **** **** today"},
		{"isStyle outside <style> does not escape masking", false, "Spoofed"},
		{"tag names are lower-cased", true, `"tagName":"html"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Contains(out, tt.s); got != tt.present {
				t.Errorf("output contains %q = %v, want %v\n%s", tt.s, got, tt.present, out)
			}
		})
	}
}

// allowPage: nav (allowlisted) > [text 11, input 12 (typed into), span 13 with a title].
func allowPage(t *testing.T) *Gate {
	g := newTestGate(t, gateTestPolicy)
	mustFilter(t, g, rrSnapshot(t, rrDoc(
		rrElem(10, "nav", map[string]any{"class": "top"},
			rrText(11, "Visible Words"),
			rrElem(12, "input", map[string]any{"type": "text", "value": "Typed Words"}),
			rrElem(13, "span", map[string]any{"title": "Title Words"}, rrText(14, "Span Words"))),
		rrElem(20, "div", map[string]any{"class": "plain"}, rrText(21, "Hidden Words")),
	)))
	if out := mustFilter(t, g, rrInput(t, 12, "More Typed")); !strings.Contains(out, "More Typed") {
		t.Fatalf("allowlisted input was masked: %s", out)
	}
	return g
}

func TestGateRemasksWhatAnAgentSawWhenTheAllowlistIsLost(t *testing.T) {
	g := allowPage(t)
	// Wrapping the nav content into a masked div: moved nodes lose the allowlist.
	out := mustFilter(t, g, rrMutation(t, map[string]any{
		"removes": []any{map[string]any{"parentId": 10, "id": 13}},
		"adds":    []any{map[string]any{"parentId": 20, "node": rrElem(13, "span", map[string]any{"title": "Title Words"})}},
	}))
	for _, s := range []string{"Title Words", "Span Words"} {
		if strings.Contains(out, s) {
			t.Errorf("moved node forwarded %q in the clear: %s", s, out)
		}
	}
	// Changing the tag's allowlist match: the agent's view must be re-masked.
	out = mustFilter(t, g, rrMutation(t, map[string]any{
		"adds": []any{map[string]any{"parentId": 3, "node": rrElem(50, "div", map[string]any{"class": "wrap"})}},
	}))
	out = mustFilter(t, g, rrMutation(t, map[string]any{
		"removes": []any{map[string]any{"parentId": 3, "id": 10}},
		"adds":    []any{map[string]any{"parentId": 50, "node": rrElem(10, "header", map[string]any{"class": "top"})}},
	}))
	if strings.Contains(out, "Words") {
		t.Errorf("re-added subtree forwarded text: %s", out)
	}
}

func TestGateRemasksOnAttributeChange(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
		attrs  map[string]any
	}{
		{"data-settle-secret on the ancestor", gateTestPolicy, map[string]any{"data-settle-secret": ""}},
		{"class no longer matching the allowlist", Policy{UnredactSelectors: []string{".top"}}, map[string]any{"class": "other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newTestGate(t, tt.policy)
			mustFilter(t, g, rrSnapshot(t, rrDoc(
				rrElem(10, "nav", map[string]any{"class": "top"},
					rrText(11, "Visible Words"),
					rrElem(12, "input", map[string]any{"type": "text", "value": "Typed Words"}),
					rrElem(13, "span", map[string]any{"title": "Title Words"})),
			)))
			if out := mustFilter(t, g, rrInput(t, 12, "More Typed")); !strings.Contains(out, "More Typed") {
				t.Fatalf("allowlisted input was masked: %s", out)
			}
			out := mustFilter(t, g, rrMutation(t, map[string]any{
				"attributes": []any{map[string]any{"id": 10, "attributes": tt.attrs}},
			}))
			for _, want := range []string{
				`{"id":11,"value":"******* *****"}`,
				`{"id":13,"attributes":{"title":"***** *****"}}`,
				`{"id":12,"attributes":{"value":"***** *****"}}`,
				`"source":5,"id":12,"text":"**** *****"`,
			} {
				if !strings.Contains(out, want) {
					t.Errorf("re-masking %s missing from:\n%s", want, out)
				}
			}
			if masked, _ := g.Masked(11); !masked {
				t.Error("text still reported unmasked")
			}
		})
	}
}

func TestGateNewlyAllowlistedTextStaysMaskedUntilItChanges(t *testing.T) {
	g := allowPage(t)
	out := mustFilter(t, g, rrMutation(t, map[string]any{
		"attributes": []any{map[string]any{"id": 20, "attributes": map[string]any{"data-settle-unredact": ""}}},
	}))
	if strings.Contains(out, "Hidden Words") {
		t.Fatalf("gate unmasked text it never held: %s", out)
	}
	out = mustFilter(t, g, rrMutation(t, map[string]any{"texts": []any{map[string]any{"id": 21, "value": "Now Shown"}}}))
	if !strings.Contains(out, "Now Shown") {
		t.Fatalf("text changed after allowlisting was masked: %s", out)
	}
}

func TestGateMasksTextUnderASecretAddedInTheSameMutation(t *testing.T) {
	g := allowPage(t)
	out := mustFilter(t, g, rrMutation(t, map[string]any{
		"texts":      []any{map[string]any{"id": 14, "value": "Pin 1234"}},
		"attributes": []any{map[string]any{"id": 13, "attributes": map[string]any{"data-settle-secret": "", "title": "Pin Title"}}},
	}))
	if strings.Contains(out, "Pin") {
		t.Fatalf("text under a new secret was forwarded: %s", out)
	}
}

func TestGatePasswordStaysSecretAfterShowPassword(t *testing.T) {
	g := allowPage(t)
	mustFilter(t, g, rrMutation(t, map[string]any{
		"adds": []any{map[string]any{"parentId": 10, "node": rrElem(60, "input", map[string]any{"type": "password"})}},
	}))
	mustFilter(t, g, rrMutation(t, map[string]any{
		"attributes": []any{map[string]any{"id": 60, "attributes": map[string]any{"type": "text"}}},
	}))
	if out := mustFilter(t, g, rrInput(t, 60, "hunter2")); strings.Contains(out, "hunter2") {
		t.Fatalf("password shown after toggling its type: %s", out)
	}
}

func TestGateDropsWhatItDoesNotForward(t *testing.T) {
	g := allowPage(t)
	tests := []struct {
		name   string
		event  string
		reason DropReason
	}{
		{"invalid json is malformed", `{"type":3,`, ReasonMalformed},
		{"trailing data is malformed", `{"type":0,"timestamp":1,"data":{}} {}`, ReasonMalformed},
		{"a missing timestamp is malformed", `{"type":0,"data":{}}`, ReasonMalformed},
		{"a wrongly typed id is malformed", `{"type":3,"timestamp":1,"data":{"source":5,"id":"12","text":"x"}}`, ReasonMalformed},
		{"custom events are unsupported", `{"type":5,"timestamp":1,"data":{"tag":"t","payload":"Secret"}}`, ReasonUnsupported},
		{"plugin events are unsupported", `{"type":6,"timestamp":1,"data":{"plugin":"rrweb/console@1","payload":{}}}`, ReasonUnsupported},
		{"asset events are unsupported", `{"type":7,"timestamp":1,"data":{"url":"x","payload":{}}}`, ReasonUnsupported},
		{"unknown event types are unsupported", `{"type":42,"timestamp":1,"data":{}}`, ReasonUnsupported},
		{"canvas mutations are unsupported", `{"type":3,"timestamp":1,"data":{"source":9,"id":12,"type":0,"commands":[]}}`, ReasonUnsupported},
		{"fonts are unsupported", `{"type":3,"timestamp":1,"data":{"source":10,"family":"x","fontSource":"data:"}}`, ReasonUnsupported},
		{"logs are unsupported", `{"type":3,"timestamp":1,"data":{"source":11,"level":"log","payload":["Secret"]}}`, ReasonUnsupported},
		{"custom elements are unsupported", `{"type":3,"timestamp":1,"data":{"source":16,"define":{"name":"x-y"}}}`, ReasonUnsupported},
		{"unknown sources are unsupported", `{"type":3,"timestamp":1,"data":{"source":99}}`, ReasonUnsupported},
		{"input on an unknown node", `{"type":3,"timestamp":1,"data":{"source":5,"id":999,"text":"Secret","isChecked":false}}`, ReasonUnknownNode},
		{"scroll on an unknown node", `{"type":3,"timestamp":1,"data":{"source":3,"id":999,"x":0,"y":0}}`, ReasonUnknownNode},
		{"click on an unknown node", `{"type":3,"timestamp":1,"data":{"source":2,"type":2,"id":999}}`, ReasonUnknownNode},
		{"input on a text node", `{"type":3,"timestamp":1,"data":{"source":5,"id":11,"text":"x","isChecked":false}}`, ReasonWrongKind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := g.Filter([]byte(tt.event))
			var de *DropError
			if !errors.As(err, &de) || de.Reason != tt.reason {
				t.Fatalf("Filter = %v, %v; want a drop with reason %s", res, err, tt.reason)
			}
			if len(res.Events) != 0 {
				t.Fatalf("dropped event forwarded %d events", len(res.Events))
			}
		})
	}
}

func TestGateReencodesOnlyKnownFields(t *testing.T) {
	g := allowPage(t)
	tests := []struct {
		name, event, want string
	}{
		{"load keeps no data",
			`{"type":1,"timestamp":5,"data":{"secret":"x"},"delay":3}`,
			`{"type":1,"data":{},"timestamp":5}`},
		{"meta keeps size and a bare href",
			`{"type":4,"timestamp":5,"data":{"href":"https://app.example/orders/7?email=jane@example.com","width":1280,"height":720,"extra":"Secret"}}`,
			`{"type":4,"data":{"href":"https://app.example/orders/7","width":1280,"height":720},"timestamp":5}`},
		{"mouse move keeps positions",
			`{"type":3,"timestamp":5,"data":{"source":1,"positions":[{"x":1.5,"y":2,"id":12,"timeOffset":-10,"label":"Secret"}]}}`,
			`{"type":3,"data":{"source":1,"positions":[{"x":1.5,"y":2,"id":12,"timeOffset":-10}]},"timestamp":5}`},
		{"click keeps coordinates",
			`{"type":3,"timestamp":5,"data":{"source":2,"type":2,"id":12,"x":3,"y":4,"pointerType":0,"text":"Secret"}}`,
			`{"type":3,"data":{"source":2,"type":2,"id":12,"x":3,"y":4,"pointerType":0},"timestamp":5}`},
		{"scroll keeps its position",
			`{"type":3,"timestamp":5,"data":{"source":3,"id":1,"x":0,"y":300}}`,
			`{"type":3,"data":{"source":3,"id":1,"x":0,"y":300},"timestamp":5}`},
		{"viewport keeps its size",
			`{"type":3,"timestamp":5,"data":{"source":4,"width":390,"height":844}}`,
			`{"type":3,"data":{"source":4,"width":390,"height":844},"timestamp":5}`},
		{"media keeps its state",
			`{"type":3,"timestamp":5,"data":{"source":7,"type":0,"id":12,"currentTime":1.25,"muted":true}}`,
			`{"type":3,"data":{"source":7,"type":0,"id":12,"currentTime":1.25,"muted":true},"timestamp":5}`},
		{"selection keeps known ranges",
			`{"type":3,"timestamp":5,"data":{"source":14,"ranges":[{"start":11,"startOffset":0,"end":11,"endOffset":3},{"start":999,"startOffset":0,"end":11,"endOffset":1}]}}`,
			`{"type":3,"data":{"source":14,"ranges":[{"start":11,"startOffset":0,"end":11,"endOffset":3}]},"timestamp":5}`},
		{"input keeps userTriggered",
			`{"type":3,"timestamp":5,"data":{"source":5,"id":12,"text":"abc","isChecked":false,"userTriggered":true,"extra":"Secret"}}`,
			`{"type":3,"data":{"source":5,"id":12,"text":"abc","isChecked":false,"userTriggered":true},"timestamp":5}`},
		{"input on a masked node is masked",
			`{"type":3,"timestamp":5,"data":{"source":5,"id":20,"text":"a b","isChecked":true}}`,
			`{"type":3,"data":{"source":5,"id":20,"text":"* *","isChecked":true},"timestamp":5}`},
		{"style rule inserts are sanitized",
			`{"type":3,"timestamp":5,"data":{"source":8,"id":10,"adds":[{"rule":"a::after{content:\"Secret\"}","index":[0,1]}],"removes":[{"index":2}]}}`,
			`{"type":3,"data":{"source":8,"id":10,"adds":[{"rule":"a::after{content:\"\"}","index":[0,1]}],"removes":[{"index":2}]},"timestamp":5}`},
		{"style declarations are sanitized",
			`{"type":3,"timestamp":5,"data":{"source":13,"styleId":3,"index":[0],"set":{"property":"--who","value":"'Secret'","priority":""}}}`,
			`{"type":3,"data":{"source":13,"styleId":3,"index":[0],"set":{"property":"--who","value":"\"\"","priority":""}},"timestamp":5}`},
		{"adopted style sheets are sanitized",
			`{"type":3,"timestamp":5,"data":{"source":15,"id":1,"styleIds":[3],"styles":[{"styleId":3,"rules":[{"rule":"b{background:url(data:x)}"}]}]}}`,
			`{"type":3,"data":{"source":15,"id":1,"styleIds":[3],"styles":[{"styleId":3,"rules":[{"rule":"b{background:url()}"}]}]},"timestamp":5}`},
		{"style diffs are sanitized",
			`{"type":3,"timestamp":5,"data":{"source":0,"texts":[],"removes":[],"adds":[],"attributes":[{"id":13,"attributes":{"style":{"--who":"'Secret'","color":["red","important"],"width":false}}}]}}`,
			`{"type":3,"data":{"source":0,"removes":[],"adds":[],"texts":[],"attributes":[{"id":13,"attributes":{"style":{"--who":"\"\"","color":["red","important"],"width":false}}}]},"timestamp":5}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustFilter(t, g, []byte(tt.event)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestGateReportsPartialDrops(t *testing.T) {
	g := allowPage(t)
	res, err := g.Filter(rrMutation(t, map[string]any{"texts": []any{
		map[string]any{"id": 11, "value": "Still Here"},
		map[string]any{"id": 999, "value": "Unknown Secret"},
	}}))
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.Events[0])
	if !strings.Contains(out, "Still Here") || strings.Contains(out, "Unknown Secret") {
		t.Errorf("output = %s", out)
	}
	if len(res.Dropped) != 1 || res.Dropped[0].Reason != ReasonUnknownNode || res.Dropped[0].NodeID != 999 {
		t.Errorf("Dropped = %+v, want one unknown_node for 999", res.Dropped)
	}
}

func TestGateAttributeNamesAreCaseInsensitive(t *testing.T) {
	g := newTestGate(t, Policy{})
	out := mustFilter(t, g, rrSnapshot(t, rrDoc(
		rrElem(10, "IFRAME", map[string]any{"SRCDOC": "<b>Frame Secret</b>", "OnClick": "steal()", "Title": "Title Secret"}),
		rrElem(11, "SCRIPT", nil, rrText(12, "Script Secret")),
	)))
	for _, s := range []string{"Frame Secret", "steal", "Title Secret", "Script Secret"} {
		if strings.Contains(out, s) {
			t.Errorf("forwarded %q: %s", s, out)
		}
	}
}

func TestGateMasked(t *testing.T) {
	g := newTestGate(t, gateTestPolicy)
	mustFilter(t, g, rrSnapshot(t, gateTestPage()))
	tests := []struct {
		name          string
		id            int
		masked, known bool
	}{
		{"allowlisted node is unmasked", 11, false, true},
		{"password in an allowlist is masked", 12, true, true},
		{"plain node is masked", 21, true, true},
		{"unknown node is masked", 999, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			masked, known := g.Masked(tt.id)
			if masked != tt.masked || known != tt.known {
				t.Errorf("Masked(%d) = %v, %v; want %v, %v", tt.id, masked, known, tt.masked, tt.known)
			}
		})
	}
}

func TestNewGateRejectsUnsupportedSelectors(t *testing.T) {
	if _, err := NewGate(Policy{UnredactSelectors: []string{"a:hover"}}); err == nil {
		t.Fatal("NewGate accepted a pseudo-class")
	}
}

func TestGateRefusesAnIDRepeatedWithinAnEvent(t *testing.T) {
	g := newTestGate(t, Policy{})
	res, err := g.Filter(rrSnapshot(t, rrDoc(
		rrElem(10, "div", nil, rrText(11, "Repeated Secret")),
		rrElem(20, "div", map[string]any{"data-settle-unredact": ""}, rrText(11, "Shown Twice")),
	)))
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.Events[0])
	if strings.Contains(out, "Repeated Secret") || strings.Contains(out, "Shown Twice") {
		t.Errorf("repeated id forwarded: %s", out)
	}
	if len(res.Dropped) != 1 || res.Dropped[0].Reason != ReasonDuplicate || res.Dropped[0].NodeID != 11 {
		t.Errorf("Dropped = %+v, want one duplicate for 11", res.Dropped)
	}
}

// An attribute set in the same event that adds its element must be re-masked
// later like any other: the mirror must record what the replayer ends up
// showing, not just the added serialization.
func TestGateRemasksAttributesChangedInTheEventThatAddedThem(t *testing.T) {
	g := newTestGate(t, Policy{UnredactSelectors: []string{".open"}})
	mustFilter(t, g, rrSnapshot(t, rrDoc(rrElem(10, "div", map[string]any{"class": "open"}))))
	mustFilter(t, g, rrMutation(t, map[string]any{
		"adds":       []any{map[string]any{"parentId": 10, "node": rrElem(11, "span", map[string]any{"title": "First"})}},
		"attributes": []any{map[string]any{"id": 11, "attributes": map[string]any{"data-note": "Late Words"}}},
	}))
	out := mustFilter(t, g, rrMutation(t, map[string]any{
		"attributes": []any{map[string]any{"id": 10, "attributes": map[string]any{"class": "closed"}}},
	}))
	if !strings.Contains(out, `"data-note":"**** *****"`) || !strings.Contains(out, `"title":"*****"`) {
		t.Errorf("attributes not re-masked: %s", out)
	}
}

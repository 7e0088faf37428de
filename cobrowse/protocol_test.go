package cobrowse

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseInbound(t *testing.T) {
	tests := []struct {
		name string
		in   string
		code int // 0: accepted
	}{
		{"events", `{"type":"events","events":[]}`, 0},
		{"unknown fields are ignored", `{"type":"pointer","x":1,"y":2,"z":3}`, 0},
		{"truncated", `{"type":"events","events":[`, CloseMalformed},
		{"not JSON", `hello`, CloseMalformed},
		{"an array", `[]`, CloseViolation},
		{"a number", `42`, CloseViolation},
		{"no type", `{"events":[]}`, CloseViolation},
		{"type of the wrong kind", `{"type":7}`, CloseViolation},
		{"node_id of the wrong kind", `{"type":"click","node_id":"12"}`, CloseViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseInbound([]byte(tt.in))
			if tt.code == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			pe, ok := err.(*protocolError)
			if !ok || pe.code != tt.code || pe.reason == "" || strings.Contains(pe.reason, tt.in) && len(tt.in) > 8 {
				t.Fatalf("got %v, want close %d with a reason that does not quote the input", err, tt.code)
			}
		})
	}
}

func TestEventType(t *testing.T) {
	for in, want := range map[string]int{`{"type":2,"data":{}}`: 2, `{"type":4}`: 4, `{"type":12}`: -1, `{"data":1,"type":2}`: -1, `{"type":`: -1} {
		if got := eventType([]byte(in)); got != want {
			t.Errorf("eventType(%s) = %d, want %d", in, got, want)
		}
	}
}

func TestCloseReasonFits(t *testing.T) {
	long := strings.Repeat("é", 100)
	got := closeReason(long)
	if len(got) > 123 || !utf8.ValidString(got) || !strings.HasSuffix(got, "...") {
		t.Fatalf("%d bytes: %q", len(got), got)
	}
	if closeReason("short") != "short" {
		t.Fatal("a short reason changed")
	}
}

// The late-joiner backlog keeps the latest snapshot (with its Meta) and what
// follows, and forgets everything past its bounds.
func TestBacklog(t *testing.T) {
	ev := func(typ int, pad string) json.RawMessage {
		return json.RawMessage(`{"type":` + string(rune('0'+typ)) + `,"p":"` + pad + `"}`)
	}
	b := backlog{maxBytes: 200, maxEvents: 4}
	b.add([]json.RawMessage{ev(3, "before any snapshot")})
	if b.held() {
		t.Fatal("held without a snapshot")
	}
	b.add([]json.RawMessage{ev(4, "meta"), ev(2, "snap1"), ev(3, "m1")})
	if !b.held() || len(b.events) != 3 || !strings.Contains(string(b.frame()), "meta") {
		t.Fatalf("after a snapshot: %s", b.frame())
	}
	b.add([]json.RawMessage{ev(2, "snap2")})
	if len(b.events) != 2 || strings.Contains(string(b.frame()), "snap1") {
		t.Fatalf("a new snapshot replaces the old: %s", b.frame())
	}
	b.add([]json.RawMessage{ev(3, "a"), ev(3, "b"), ev(3, "c")})
	if b.held() || b.frame() != nil {
		t.Fatalf("past maxEvents the backlog is dropped: %s", b.frame())
	}
	b.add([]json.RawMessage{ev(3, "after the drop")})
	if b.held() {
		t.Fatal("events without a snapshot were kept")
	}
	b.add([]json.RawMessage{ev(2, strings.Repeat("x", 300))})
	if b.held() {
		t.Fatal("a snapshot over maxBytes was kept")
	}
}

func TestSplitEvents(t *testing.T) {
	tests := []struct {
		in   string
		want []string // nil: not split (parseInbound decides)
	}{
		{`{"type":"events","events":[]}`, []string{}},
		{` { "type" : "events" , "events" : [ {"a":[1,{"b":"]}\""}]} , 2 , "x" , null ] } `, []string{`{"a":[1,{"b":"]}\""}]}`, `2`, `"x"`, `null`}},
		{`{"events":[{"type":4}],"type":"events"}`, []string{`{"type":4}`}},
		{`{"type":"events"}`, nil},
		{`{"type":"consent","events":[]}`, nil},
		{`{"type":"events","events":[],"extra":1}`, nil},
		{`{"type":"events","events":[{"a":1}`, nil},
		{`{"type":"events","events":[1,]}`, nil},
		{`{"type":"events","events":[]} []`, nil},
		{`{"type":"events","type":"events","events":[]}`, nil},
	}
	for _, tt := range tests {
		got, ok := splitEvents([]byte(tt.in))
		if tt.want == nil {
			if ok {
				t.Errorf("%s: split into %q", tt.in, got)
			}
			continue
		}
		if !ok || len(got) != len(tt.want) {
			t.Errorf("%s: got %q, %v", tt.in, got, ok)
			continue
		}
		for i := range got {
			if string(got[i]) != tt.want[i] {
				t.Errorf("%s: event %d is %s", tt.in, i, got[i])
			}
		}
	}
}

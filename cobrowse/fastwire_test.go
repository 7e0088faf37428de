package cobrowse

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/settlehq/settle/cobrowse/rrwebgen"
)

// FuzzFastDecode: whatever fastDecode accepts, encoding/json decodes to the
// same value. Seeds: the leak corpus and a generated session.
//
//	go test -run '^$' -fuzz FuzzFastDecode ./cobrowse
func FuzzFastDecode(f *testing.F) {
	for _, c := range loadLeakCases(f) {
		for _, ev := range c.Events {
			f.Add([]byte(ev))
		}
	}
	page := rrwebgen.NewPage(8<<10, 1)
	for _, b := range page.Batches(10, 8, 1) {
		for _, ev := range b {
			f.Add(ev)
		}
	}
	for _, s := range fastDecodeEdgeCases {
		f.Add([]byte(s))
	}
	// An arena that decoded another event and was reset, as the gate's
	// pooled ones are, must decode exactly as a fresh one.
	used := &fastArena{}
	busy := page.Batches(10, 8, 1)[3]
	f.Fuzz(func(t *testing.T, b []byte) {
		var got, want wireEvent
		if !fastDecode(b, &got) {
			return
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("fastDecode accepted what encoding/json refuses (%v): %q", err, b)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decoders disagree on %q:\nfast %s\njson %s", b, dump(got), dump(want))
		}
		for _, ev := range busy {
			var tmp wireEvent
			fastDecodeWith(ev, &tmp, used)
			used.reset()
		}
		var again wireEvent
		if !fastDecodeWith(b, &again, used) || !reflect.DeepEqual(again, want) {
			t.Fatalf("a reused arena decodes %q differently:\nreused %s\njson %s", b, dump(again), dump(want))
		}
		used.reset()
	})
}

var fastDecodeEdgeCases = []string{
	`{"type":3,"data":{"source":1,"positions":[]},"timestamp":1}`,
	`{"type":3,"data":{"source":0,"texts":[{"id":1,"value":null}],"attributes":[{"id":2,"attributes":{"a":null,"b":1.5,"c":true,"a":"x"}}],"removes":[],"adds":[]},"timestamp":1}`,
	`{"type":3,"type":4,"timestamp":1}`,
	`{"Type":3,"timestamp":1}`,
	`{"type":3.0,"timestamp":1}`,
	`{"type":-0,"timestamp":-0}`,
	`{"type":3,"timestamp":1e999}`,
	`{"type":3,"timestamp":01}`,
	`{"type":3,"data":{"text":"caf\u00e9"},"timestamp":1}`,
	`{"type":3,"data":{"text":"caf` + "\xff" + `"},"timestamp":1}`,
	`{"type":3,"data":null,"timestamp":1}`,
	`{"type":3,"timestamp":1} x`,
	` {"type" : 3 , "timestamp" : 1 } `,
	`{"type":3,"data":{"source":0,"adds":[{"parentId":1,"nextId":null,"node":{"id":2,"type":3,"textContent":"x"}}]},"timestamp":1}`,
	`{"type":2,"data":{"node":{"id":1,"type":0,"childNodes":[{"id":2,"type":2,"tagName":"p","attributes":{"title":"a\"b\u00e9\ud83d\ude00\ud800"},"childNodes":[]}]},"initialOffset":{"top":0,"left":0}},"timestamp":1}`,
	`{"type":2,"data":{"node":{"id":1,"type":0,"childNodes":null}},"timestamp":1}`,
	`{"type":2,"data":{"node":{"id":1,"type":2,"tagName":null}},"timestamp":1}`,
	`{"type":2,"data":{"node":{"id":1,"type":3,"textContent":"line\nbreak` + "\x01" + `"}},"timestamp":1}`,
	`{"type":3,"data":{"source":0,"adds":[{"parentId":1,"node":{"id":2,"type":2,"tagName":"a","attributes":{"k\u0065y":"v"}}}]},"timestamp":1}`,
}

func dump(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// The fast decoder takes the generated stream whole — snapshot, added nodes
// and all — and agrees with encoding/json on the edge cases.
func TestFastDecodeCoversTheStream(t *testing.T) {
	page := rrwebgen.NewPage(64<<10, 1)
	events := [][]byte{page.Meta, page.Snapshot}
	for _, b := range page.Batches(20, 8, 1) {
		events = append(events, b...)
	}
	for _, ev := range events {
		var got, want wireEvent
		if !fastDecode(ev, &got) {
			t.Fatalf("not decoded fast: %.200s", ev)
		}
		json.Unmarshal(ev, &want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decoders disagree on %.200s", ev)
		}
	}
	for _, s := range fastDecodeEdgeCases {
		var got, want wireEvent
		if fastDecode([]byte(s), &got) {
			if err := json.Unmarshal([]byte(s), &want); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: fast %s, json %s (%v)", s, dump(got), dump(want), err)
			}
		}
	}
}

func TestAppendJSONFloatMatchesEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 123456789012345, 1e15 - 1, 1e15, 1e16, 0.5, -2.25, 1e21, 1732233600123, -1e14} {
		want, _ := json.Marshal(f)
		if got := appendJSONFloat(nil, f); string(got) != string(want) {
			t.Errorf("%v: got %s, want %s", f, got, want)
		}
	}
	if got := string(appendJSONFloat(nil, math.Copysign(0, -1))); got != "-0" {
		t.Errorf("-0 formats as %s", got)
	}
}

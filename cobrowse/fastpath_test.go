package cobrowse

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The gate's shortcuts must give exactly what the general code gives.

func TestAppendJSONFloatShortcutMatchesEncodingJSON(t *testing.T) {
	fs := []float64{1, 9, 10, 99, 1e9 - 1, 1e9, 1e9 + 1, 4294967295, 4294967296, 0.5, 1e-7, 999999999.5,
		math.Nextafter(1e9, 0), math.SmallestNonzeroFloat64, math.MaxFloat64, -5, math.Inf(1), math.NaN()}
	rng := rand.New(rand.NewPCG(1, 1))
	for range 10000 {
		fs = append(fs, float64(rng.IntN(2e9)), rng.Float64()*2e9, -float64(rng.IntN(1e6)), rng.Float64()*1e-9, -rng.Float64()*1e25)
	}
	for _, f := range fs {
		want, err := json.Marshal(f)
		if err != nil {
			want = []byte("0") // NaN and infinities: the gate writes 0
		}
		if got := appendJSONFloat(nil, f); string(got) != string(want) {
			t.Fatalf("%v: got %s, want %s", f, got, want)
		}
	}
}

func TestJSONWriterIntMatchesStrconv(t *testing.T) {
	for _, i := range []int{0, 1, 9, 10, 1e9 - 1, 1e9, -1, math.MaxInt64, math.MinInt64, 4294967295} {
		var w jsonWriter
		w.int(i)
		if want := strconv.Itoa(i); string(w.b) != want {
			t.Errorf("%d: got %s", i, w.b)
		}
	}
}

func TestHasFieldEmptyToken(t *testing.T) {
	for _, v := range []string{"", " ", "a  b", "a\u00a0 b"} {
		if hasField(v, "") {
			t.Errorf("hasField(%q, \"\") = true", v)
		}
	}
}

// rawStr agrees with a plain reading of the JSON rules on every byte.
func TestRawStrMatchesReference(t *testing.T) {
	ref := func(b []byte) ([]byte, bool) {
		if len(b) == 0 || b[0] != '"' {
			return nil, false
		}
		for i := 1; i < len(b); i++ {
			switch c := b[i]; {
			case c == '"':
				return b[1:i], utf8.Valid(b[1:i])
			case c == '\\' || c < 0x20:
				return nil, false
			}
		}
		return nil, false
	}
	alphabet := []string{"a", "Z", " ", "\"", "\\", "\x01", "\x7f", "é", "\xff", "\xc3", "\u2028", "0"}
	rng := rand.New(rand.NewPCG(2, 2))
	for range 50000 {
		b := []byte{'"'}
		for range rng.IntN(12) {
			b = append(b, alphabet[rng.IntN(len(alphabet))]...)
		}
		s := scanner{b: b}
		got, ok := s.rawStr()
		want, wantOK := ref(b)
		if ok != wantOK || (ok && string(got) != string(want)) {
			t.Fatalf("%q: got %q %v, want %q %v", b, got, ok, want, wantOK)
		}
	}
}

// appendJSONString writes what encoding/json writes (without HTML escaping,
// which the gate does not do).
func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	alphabet := []string{"a", "Z", " ", "\"", "\\", "\x01", "\n", "\x7f", "é", "\xff", "\xc3", "\u2028", "\u2029", "<", "0", "abcdefgh"}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 30000 {
		var s string
		for range rng.IntN(16) {
			s += alphabet[rng.IntN(len(alphabet))]
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != strings.TrimSuffix(want.String(), "\n") {
			t.Fatalf("%q: got %s, want %s", s, got, want.String())
		}
	}
}

package cobrowse

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// leakCase is one file of testdata/leaks: an adversarial rrweb event stream,
// the policy it runs under, strings that must never come out of the gate and
// strings that must (so a gate that drops everything cannot pass).
type leakCase struct {
	Description string `json:"description"`
	Policy      struct {
		UnredactSelectors []string `json:"unredact_selectors"`
		SecretSelectors   []string `json:"secret_selectors"`
	} `json:"policy"`
	Secrets  []string          `json:"secrets"`
	Survives []string          `json:"survives"`
	Events   []json.RawMessage `json:"events"`
}

func (c leakCase) policy() Policy {
	return Policy{UnredactSelectors: c.Policy.UnredactSelectors, SecretSelectors: c.Policy.SecretSelectors}
}

func loadLeakCases(t testing.TB) map[string]leakCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "leaks", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no leak corpus: %v", err)
	}
	cases := map[string]leakCase{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c leakCase
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases[strings.TrimSuffix(filepath.Base(f), ".json")] = c
	}
	return cases
}

// runLeakCase feeds every event through a fresh gate and returns everything
// it forwarded, one event per line, each call's events followed by an empty
// line.
func runLeakCase(t testing.TB, c leakCase) []byte {
	g := newTestGate(t, c.policy())
	var out bytes.Buffer
	for _, ev := range c.Events {
		res, err := g.Filter(ev)
		if err != nil {
			continue // dropped whole: nothing forwarded
		}
		for _, e := range res.Events {
			if !json.Valid(e) {
				t.Fatalf("gate emitted invalid JSON: %s", e)
			}
			out.Write(e)
			out.WriteByte('\n')
		}
		out.WriteByte('\n')
	}
	return out.Bytes()
}

func TestLeakCorpus(t *testing.T) {
	for name, c := range loadLeakCases(t) {
		t.Run(name, func(t *testing.T) {
			if len(c.Secrets) == 0 || len(c.Survives) == 0 {
				t.Fatal("a corpus file needs secrets and survivors")
			}
			out := runLeakCase(t, c)
			for _, s := range c.Secrets {
				if bytes.Contains(out, []byte(s)) {
					t.Errorf("secret %q leaked", s)
				}
				if d := digitsOnly(s); len(d) >= 7 && bytes.Contains(out, []byte(d)) {
					t.Errorf("digits of secret %q leaked", s)
				}
			}
			for _, s := range c.Survives {
				if !bytes.Contains(out, []byte(s)) {
					t.Errorf("allowlisted %q did not survive", s)
				}
			}
			if err := checkGateOutput(out, c.policy()); err != nil {
				t.Error(err)
			}
			if t.Failed() {
				t.Logf("%s\noutput:\n%s", c.Description, out)
			}
		})
	}
}

func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

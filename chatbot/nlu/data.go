package nlu

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed data/*.jsonl
var dataFS embed.FS

// Example is one labelled message of the files under data/ (see
// data/README.md).
type Example struct {
	Text       string `json:"text"`
	IsDispute  bool   `json:"is_dispute"`
	Reason     string `json:"reason"`
	SubReason  string `json:"sub_reason"`
	Intent     string `json:"intent"`
	WantsHuman bool   `json:"wants_human"`
	Kind       string `json:"kind"` // adversarial.jsonl only
}

// The labelled sets. Only TrainSet is ever learned from.
const (
	TrainSet       = "train"
	HeldoutSet     = "heldout"
	AdversarialSet = "adversarial"
	RealisticSet   = "realistic"
)

// LoadSet reads one of the embedded labelled sets.
func LoadSet(name string) ([]Example, error) {
	b, err := dataFS.ReadFile("data/" + name + ".jsonl")
	if err != nil {
		return nil, fmt.Errorf("nlu: no labelled set %q", name)
	}
	return parseExamples(b)
}

func parseExamples(b []byte) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e Example
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("nlu: line %d: %w", line, err)
		}
		if !ValidReason(e.Reason) || !ValidSubReason(e.Reason, e.SubReason) || e.IsDispute != (e.Reason != ReasonNone) {
			return nil, fmt.Errorf("nlu: line %d: inconsistent labels %q/%q", line, e.Reason, e.SubReason)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

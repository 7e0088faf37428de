package knowledge

import (
	"slices"
	"strings"
	"testing"
)

func TestStem(t *testing.T) {
	// Cases from Porter's paper and its reference vocabulary.
	tests := []struct{ word, want string }{
		{"caresses", "caress"}, {"ponies", "poni"}, {"ties", "ti"}, {"cats", "cat"},
		{"feed", "feed"}, {"agreed", "agre"}, {"plastered", "plaster"}, {"bled", "bled"},
		{"motoring", "motor"}, {"sing", "sing"}, {"conflated", "conflat"}, {"troubled", "troubl"},
		{"sized", "size"}, {"hopping", "hop"}, {"tanned", "tan"}, {"falling", "fall"},
		{"hissing", "hiss"}, {"fizzed", "fizz"}, {"failing", "fail"}, {"filing", "file"},
		{"happy", "happi"}, {"sky", "sky"}, {"relational", "relat"}, {"conditional", "condit"},
		{"rational", "ration"}, {"valenci", "valenc"}, {"digitizer", "digit"}, {"generalization", "gener"},
		{"oscillators", "oscil"}, {"hopeful", "hope"}, {"goodness", "good"}, {"revival", "reviv"},
		{"allowance", "allow"}, {"adjustment", "adjust"}, {"adoption", "adopt"}, {"controll", "control"},
		{"refunded", "refund"}, {"refunds", "refund"}, {"deliveries", "deliveri"},
		{"£4", "£4"}, {"remboursé", "remboursé"}, {"is", "is"},
	}
	for _, tt := range tests {
		if got := stem(tt.word); got != tt.want {
			t.Errorf("stem(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // stems, stopwords in brackets
	}{
		{"contractions keep their negation", "I didn't get it, can't pay", []string{"(i)", "(did)", "(not)", "(get)", "(it)", "(can)", "(not)", "pai"}},
		{"British spelling meets American", "Cancelled colour authorised", []string{"cancel", "color", "author"}},
		{"accents fold, symbols split", "Café — 1,200€ remboursé", []string{"cafe", "1200", "rembours"}},
		{"curly apostrophes", "the shop’s refund", []string{"(the)", "shop", "refund"}},
		{"domain stems", "delivery delivered instalments", []string{"deliv", "deliv", "instal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tok := range analyze(tt.text) {
				s := tok.stem
				if tok.stop {
					s = "(" + s + ")"
				}
				got = append(got, s)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLexiconConcepts(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
		not        []string
	}{
		{"never came is not received, not arrived", "my shoes never came", []string{"not-received"}, []string{"arrived"}},
		{"negation with a filler word in between", "it hasn't even arrived", []string{"not-received"}, []string{"arrived"}},
		{"charged me twice", "they charged me twice", []string{"duplicate"}, nil},
		{"knockoff", "pretty sure it is a knockoff", []string{"counterfeit"}, nil},
		{"paraphrase and policy wording meet", "the thing just broke", []string{"faulty"}, nil},
		{"policy wording", "An item that arrived damaged or stopped working", []string{"faulty"}, nil},
		{"a count of items is part of an order", "only got 2 of the 3 things", []string{"partial"}, nil},
		{"a time of day", "is anyone there at 3am", []string{"time-of-day", "human"}, nil},
		{"in person is not a person", "I don't like the colour in person", []string{"change-of-mind", "in-person"}, []string{"human"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lex.conceptsOf(analyze(tt.text))
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("%v lacks %s", got, w)
				}
			}
			for _, n := range tt.not {
				if slices.Contains(got, n) {
					t.Errorf("%v has %s", got, n)
				}
			}
		})
	}
}

func TestConceptTermsAreSearchWords(t *testing.T) {
	got := ConceptTerms("my parcel never came and the shop ignores me")
	for _, w := range strings.Fields(got) {
		if !strings.HasPrefix(w, "kc") || strings.ContainsAny(w, "-_ ") {
			t.Errorf("term %q is not one full-text word", w)
		}
	}
	if !strings.Contains(got, "kcnotreceived") {
		t.Fatalf("got %q", got)
	}
}

func TestSnippet(t *testing.T) {
	body := "Returns are handled by the merchant. **Refunds** reach your card within 5 business days.\n\n- Banks can take longer.\n- Ask us for the reference."
	got := snippet(body, "how long until my refund reaches the card?")
	if !strings.HasPrefix(got, "Refunds reach your card within 5 business days.") || strings.Contains(got, "**") {
		t.Fatalf("got %q", got)
	}
	long := snippet(strings.Repeat("word ", 200), "word")
	if n := len([]rune(long)); n > snippetChars || !strings.HasSuffix(long, "…") {
		t.Fatalf("%d characters: %q", n, long)
	}
}

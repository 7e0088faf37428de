package nlu

import (
	"slices"
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		name, text, want string // want: stems, "!" marks negation, "|" clause ends
	}{
		{"contractions and negation", "I didn't receive it", "i did not !receiv !it"},
		{"apostrophe-less contraction", "it hasnt arrived", "it has not !arriv"},
		{"misspelling and slang", "u recieved ur pakage", "you receiv your packag"},
		{"scope ends at punctuation", "not broken. it leaks", "not !broken | it leak"},
		{"scope ends at but", "never arrived but I paid", "never !arriv | i paid"},
		{"scope ends at what", "not what I ordered", "not what i order"},
		{"stemming meets", "charged charges charging", "charg charg charg"},
		{"cancelled spellings meet", "canceled cancelled cancelling cancel", "cancel cancel cancel cancel"},
		{"short stems get their e back", "taking take coming come", "take take come come"},
		{"doubled consonants undouble", "shipped ship stopped", "ship ship stop"},
		{"double l stays", "billed bill", "bill bill"},
		{"currency signs are words", "£20 fee", "£ 20 fee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tok := range tokenize(tt.text) {
				s := tok.stem
				if tok.negated {
					s = "!" + s
				}
				got = append(got, s)
			}
			if strings.Join(got, " ") != tt.want {
				t.Fatalf("tokenize(%q) = %q, want %q", tt.text, strings.Join(got, " "), tt.want)
			}
		})
	}
}

// Concepts carry the negation: arriving and not arriving pull apart.
func TestConcepts(t *testing.T) {
	tests := []struct {
		text        string
		want, never []string
	}{
		{"my parcel never arrived", []string{"NOT_ARRIVED"}, []string{"ARRIVED"}},
		{"it did arrive, but it's broken", []string{"ARRIVED", "DAMAGED"}, []string{"NOT_ARRIVED"}},
		{"the screen is not broken, it just won't turn on", []string{"NOT_DAMAGED", "NOT_WORKING"}, []string{"DAMAGED"}},
		{"I was charged twice for one order", []string{"TWICE", "ONE_ONLY"}, nil},
		{"I don't recognise this charge", []string{"DONT_RECOGNIZE"}, []string{"NOT_WORKING"}},
		{"I never made this purchase, someone hacked me", []string{"NOT_MADE", "FRAUD"}, nil},
		{"I can't make my payments this month", nil, []string{"NOT_MADE"}},
		{"I cancelled my gym membership and they still take money", []string{"CANCELLED", "SUBSCRIPTION", "STILL_CHARGED"}, nil},
		{"these aren't real Uggs", []string{"FAKE"}, nil},
		{"the discount wasn't applied", []string{"DISCOUNT_MISSING"}, nil},
		{"the store went bust", []string{"MERCHANT_GONE"}, nil},
		{"got a notification that I bought a TV. I didn't", []string{"NOT_ME"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := concepts(tokenize(tt.text))
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("missing %s in %v", w, got)
				}
			}
			for _, n := range tt.never {
				if slices.Contains(got, n) {
					t.Errorf("unexpected %s in %v", n, got)
				}
			}
		})
	}
}

func TestEveryLexiconPatternCompiles(t *testing.T) {
	n := 0
	for _, c := range lexicon {
		for _, p := range c.patterns {
			compilePattern(p) // panics on a slot word that normalises to two words
			n++
		}
	}
	if n < 200 {
		t.Fatalf("only %d patterns: the lexicon lost its entries", n)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a pattern word that expands to two words must be refused")
		}
	}()
	compilePattern("didnt arrive")
}

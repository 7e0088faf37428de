package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strings"
	"sync"
)

// Feature classes and how much each weighs. Words carry most of the
// meaning; concepts (lexicon.go) are what paraphrases meet on, so they weigh
// more; character n-grams catch typos and spellings the stemmer misses
// ("recieved"), weighed low because each word yields several. Word pairs
// were tried and dropped: on the evaluation set they cost recall (they
// reward echoing the policy's phrasing, which customers rarely do).
const (
	classWord    = 0
	classConcept = 1
	classChar    = 2
)

var classWeight = [3]float32{
	classWord:    1.0,
	classConcept: 1.5,
	classChar:    0.05,
}

// charGram is the character n-gram length.
const charGram = 4

// conceptIndex gives each lexicon concept its own dimension (in name
// order): concepts are few, and they are what paraphrases meet on, so they
// must not collide with words.
var conceptIndex = func() map[uint64]int {
	m := map[uint64]int{}
	for i, name := range keys(concepts) {
		m[featureKey(classConcept, name)] = i
	}
	return m
}()

// featureKey hashes a feature and keeps its class in the top two bits.
func featureKey(class int, s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()>>2 | uint64(class)<<62
}

func classOf(key uint64) int { return int(key >> 62) }

// headingWeight is how many times a chunk's heading path counts: a
// section's title says what it is about better than any sentence in it
// (full-text search weighs it up too, with setweight A).
const headingWeight = 3

// documentCounts counts the features of a chunk text (Chunk.Text: the
// heading path, a newline, the body), the heading path headingWeight times.
func documentCounts(text string) map[uint64]int32 {
	head, body, _ := strings.Cut(text, "\n")
	counts := termCounts(body)
	for k, n := range termCounts(head) {
		counts[k] += headingWeight * n
	}
	return counts
}

// termCounts returns how often each feature occurs in text.
func termCounts(text string) map[uint64]int32 {
	toks := analyze(text)
	counts := make(map[uint64]int32, len(toks)*4)
	for _, t := range toks {
		if t.stop {
			continue
		}
		counts[featureKey(classWord, t.stem)]++
		addCharGrams(counts, t.word)
	}
	for _, c := range lex.conceptsOf(toks) {
		counts[featureKey(classConcept, c)]++
	}
	return counts
}

func addCharGrams(counts map[uint64]int32, word string) {
	r := []rune("<" + word + ">")
	if len(r) <= charGram {
		return // the word feature already says it
	}
	for i := 0; i+charGram <= len(r); i++ {
		counts[featureKey(classChar, string(r[i:i+charGram]))]++
	}
}

// analyzerFingerprint identifies the analysis and feature rules; a model
// learned under other rules is refused, because its vectors would not be
// comparable with ones made now.
var analyzerFingerprint = sync.OnceValue(func() string {
	h := sha256.New()
	fmt.Fprintf(h, "weights=%v gram=%d pivot=%v heading=%d\n", classWeight, charGram, pivotSlope, headingWeight)
	writeSorted(h, "stop", keys(stopwords))
	for _, m := range []map[string]string{stemOverrides, britishWords} {
		for _, k := range keys(m) {
			fmt.Fprintf(h, "%s=%s\n", k, m[k])
		}
	}
	fmt.Fprintf(h, "roots=%v\n", britishRoots)
	for _, k := range keys(concepts) {
		writeSorted(h, k, concepts[k])
	}
	fmt.Fprintf(h, "probe=%s\n", strings.Join(probeStems(), " "))
	return hex.EncodeToString(h.Sum(nil))[:16]
})

// probeStems runs the stemmer on a few words, so a change to it shows.
func probeStems() []string {
	var out []string
	for _, w := range []string{"generalizations", "oscillators", "hopeful", "relational", "delivered"} {
		out = append(out, stem(w))
	}
	return out
}

func writeSorted(h interface{ Write([]byte) (int, error) }, name string, list []string) {
	s := append([]string(nil), list...)
	sort.Strings(s)
	fmt.Fprintf(h, "%s:%s\n", name, strings.Join(s, "|"))
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// idf is the BM25 inverse document frequency: near 0 for a feature in every
// chunk, highest for one in a single chunk.
func idf(docs int, df uint32) float32 {
	n, d := float64(docs), float64(df)
	return float32(math.Log(1 + (n-d+0.5)/(d+0.5)))
}

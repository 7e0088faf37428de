package knowledge

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

var localTexts = []string{
	"Items not received > 3. Nothing has arrived\nIf the merchant cannot prove delivery within 21 days, we refund you.",
	"Faulty items > 2.1 Damaged goods\nItems that arrive broken, cracked or not working.",
	"Late fees > 3.1 Amount in the US\nA late fee of $8 is charged 10 days after the due date.",
	"Screen sharing > 4.2 What is hidden\nCard numbers, PINs and passwords are always hidden from agents.",
}

func fitted(t *testing.T, texts []string) Fitter {
	t.Helper()
	f, err := NewLocalEmbedder(256).Fit(texts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestLocalEmbedderIsDeterministic(t *testing.T) {
	ctx := context.Background()
	a, b := fitted(t, localTexts), fitted(t, localTexts)
	dataA, hashA := a.Model()
	dataB, hashB := b.Model()
	if hashA == "" || hashA != hashB || !bytes.Equal(dataA, dataB) {
		t.Fatal("fitting the same corpus twice gave different models")
	}
	va, _ := a.EmbedDocuments(ctx, localTexts)
	vb, _ := b.EmbedDocuments(ctx, localTexts)
	qa, _ := a.EmbedQuery(ctx, "my parcel never came")
	qb, _ := b.EmbedQuery(ctx, "my parcel never came")
	for i := range va {
		if !slices.Equal(va[i], vb[i]) {
			t.Fatalf("document %d embeds differently", i)
		}
	}
	if !slices.Equal(qa, qb) {
		t.Fatal("the query embeds differently")
	}
	loaded, err := NewLocalEmbedder(256).Load(dataA)
	if err != nil {
		t.Fatal(err)
	}
	if ql, _ := loaded.EmbedQuery(ctx, "my parcel never came"); !slices.Equal(ql, qa) {
		t.Fatal("a loaded model embeds differently from the fitted one")
	}
}

func TestLocalEmbedderVectors(t *testing.T) {
	ctx := context.Background()
	f := fitted(t, localTexts)
	docs, err := f.EmbedDocuments(ctx, localTexts)
	if err != nil || len(docs) != len(localTexts) {
		t.Fatalf("%d vectors, %v", len(docs), err)
	}
	q, _ := f.EmbedQuery(ctx, "my parcel never came")
	if n := norm(q); math.Abs(n-1) > 1e-5 || len(q) != f.Info().Dims {
		t.Fatalf("query vector has length %v and %d dimensions", n, len(q))
	}
	// "never came" shares no word with "not received ... delivery" but the
	// lexicon makes them meet.
	best, bestScore := -1, -1.0
	for i, d := range docs {
		if s := dot(q, d); s > bestScore {
			best, bestScore = i, s
		}
	}
	if best != 0 {
		t.Fatalf("the closest chunk to a parcel that never came is %q", localTexts[best])
	}
	if z, _ := f.EmbedQuery(ctx, "zzzz qqqq"); norm(z) != 0 {
		t.Fatal("a query of unknown words should embed to the zero vector")
	}
}

func TestLocalEmbedderNeedsAModel(t *testing.T) {
	e := NewLocalEmbedder(0)
	if e.Info() != (EmbedderInfo{Name: "local", Version: "v1", Dims: DefaultLocalDims}) {
		t.Fatalf("info %+v", e.Info())
	}
	if _, err := e.EmbedQuery(context.Background(), "hello"); !errors.Is(err, ErrNotFitted) {
		t.Fatalf("got %v", err)
	}
	if _, err := e.Fit(nil); err == nil {
		t.Fatal("fitting nothing should fail")
	}
	data, _ := fitted(t, localTexts).Model()
	for name, bad := range map[string][]byte{
		"truncated":        data[:len(data)-5],
		"another format":   []byte("SKLM0" + strings.Repeat("x", 40)),
		"another analyzer": append([]byte(modelMagic+strings.Repeat("0", len(analyzerFingerprint()))), data[len(modelMagic)+len(analyzerFingerprint()):]...),
	} {
		if _, err := e.Load(bad); err == nil || !strings.Contains(err.Error(), "settle ingest") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func norm(v []float32) float64 { return math.Sqrt(dot(v, v)) }

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

package knowledge

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sort"
)

// localModel is what the local embedder learns from the corpus at ingest.
type localModel struct {
	docs    int               // chunks seen
	df      map[uint64]uint32 // chunks containing each feature
	avgNorm float64           // mean length of a chunk's raw vector: the pivot
	data    []byte            // the encoded form, stored in the database
	hash    string
}

// pivoted is the length a chunk of raw length norm is divided by.
func (m *localModel) pivoted(norm float64) float64 {
	return (1-pivotSlope)*m.avgNorm + pivotSlope*norm
}

// The wire form: magic, the analyzer fingerprint, chunk count, pivot, then
// (feature key, document frequency) pairs sorted by key, so the same corpus
// always encodes to the same bytes and hash.
const modelMagic = "SKLM3"

func (m *localModel) encode() {
	ks := make([]uint64, 0, len(m.df))
	for k := range m.df {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	fp := analyzerFingerprint()
	b := make([]byte, 0, len(modelMagic)+len(fp)+16+len(ks)*12)
	b = append(b, modelMagic...)
	b = append(b, fp...)
	b = binary.LittleEndian.AppendUint32(b, uint32(m.docs))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m.avgNorm))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(ks)))
	for _, k := range ks {
		b = binary.LittleEndian.AppendUint64(b, k)
		b = binary.LittleEndian.AppendUint32(b, m.df[k])
	}
	m.data, m.hash = b, modelHash(b)
}

func decodeModel(b []byte) (*localModel, error) {
	fp := analyzerFingerprint()
	head := len(modelMagic) + len(fp)
	if len(b) < head+16 || string(b[:len(modelMagic)]) != modelMagic {
		return nil, errors.New("knowledge: the stored local model is not in a format this version reads: run `settle ingest`")
	}
	if got := string(b[len(modelMagic):head]); got != fp {
		return nil, fmt.Errorf("knowledge: the stored local model was built with other text analysis rules (%s; this binary has %s): run `settle ingest`", got, fp)
	}
	r := b[head:]
	m := &localModel{
		docs:    int(binary.LittleEndian.Uint32(r)),
		avgNorm: math.Float64frombits(binary.LittleEndian.Uint64(r[4:])),
		data:    b,
		hash:    modelHash(b),
	}
	n := int(binary.LittleEndian.Uint32(r[12:]))
	r = r[16:]
	if len(r) != n*12 {
		return nil, errors.New("knowledge: the stored local model is truncated: run `settle ingest`")
	}
	m.df = make(map[uint64]uint32, n)
	for i := 0; i < n; i++ {
		m.df[binary.LittleEndian.Uint64(r[i*12:])] = binary.LittleEndian.Uint32(r[i*12+8:])
	}
	return m, nil
}

func modelHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])[:16]
}

package id

import (
	"crypto/rand"
	"encoding/base32"
	"io"
	"sync"
)

var enc = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// Generator makes ids from a random source. It is safe for concurrent use.
type Generator struct {
	mu  sync.Mutex
	src io.Reader
}

// New returns a Generator reading from src; nil means crypto/rand.
func New(src io.Reader) *Generator {
	if src == nil {
		src = rand.Reader
	}
	return &Generator{src: src}
}

// Make returns prefix + "_" + 20 random base32 characters (100 bits).
func (g *Generator) Make(prefix string) string {
	return prefix + "_" + g.Token(12)[:20]
}

// Token returns n random bytes encoded as base32 text: for secrets such as API
// keys and session tokens.
func (g *Generator) Token(n int) string {
	b := make([]byte, n)
	g.mu.Lock()
	_, err := io.ReadFull(g.src, b)
	g.mu.Unlock()
	if err != nil {
		// Without randomness no id or secret is safe to hand out.
		panic("id: random source failed: " + err.Error())
	}
	return enc.EncodeToString(b)
}

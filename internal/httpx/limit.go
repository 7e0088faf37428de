package httpx

import (
	"sync"
	"time"

	"github.com/settlehq/settle/internal/clock"
)

// Limiter counts events per key in fixed windows: at most Max events per key per
// Window. It guards login attempts and cobrowse code guesses. It is in-memory, so
// each server node limits on its own — enough to make guessing impractical.
type Limiter struct {
	Max    int
	Window time.Duration
	clock  clock.Clock

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	start time.Time
	n     int
}

// NewLimiter returns a limiter allowing max events per window per key.
func NewLimiter(max int, window time.Duration, c clock.Clock) *Limiter {
	return &Limiter{Max: max, Window: window, clock: c, buckets: map[string]*bucket{}}
}

// Allowed reports whether key has events left in its current window, without
// using one.
func (l *Limiter) Allowed(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.current(key)
	return b.n < l.Max
}

// Hit records one event for key and reports whether it was within the limit.
func (l *Limiter) Hit(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.current(key)
	b.n++
	return b.n <= l.Max
}

// current returns key's bucket for the present window, sweeping stale buckets
// now and then so the map cannot grow without bound.
func (l *Limiter) current(key string) *bucket {
	now := l.clock.Now()
	if len(l.buckets) > 10000 {
		for k, b := range l.buckets {
			if now.Sub(b.start) >= l.Window {
				delete(l.buckets, k)
			}
		}
	}
	b, ok := l.buckets[key]
	if !ok || now.Sub(b.start) >= l.Window {
		b = &bucket{start: now}
		l.buckets[key] = b
	}
	return b
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/settlehq/settle/cobrowse"
	"github.com/settlehq/settle/internal/errs"
)

// relayStore is the relay's Store for `settle bench relay`: sessions are
// consented up front and recording chunks are encoded and hashed exactly as
// the real store does, then dropped — so the figures measure the relay, the
// gate and the recorder's own work, not PostgreSQL.
type relayStore struct {
	mu       sync.Mutex
	sessions map[string]cobrowse.Session
	heads    map[string][]byte
	counts   map[string]int64
}

var relayPolicy = cobrowse.Policy{
	UnredactSelectors: []string{".order-summary", "nav", "[data-testid=price]", "main > h1"},
	SecretSelectors:   []string{"[name=cvc]", ".card-field"},
	Version:           "bench",
}

func newRelayStore(n int, prefix string) *relayStore {
	s := &relayStore{sessions: map[string]cobrowse.Session{}, heads: map[string][]byte{}, counts: map[string]int64{}}
	for i := range n {
		id := fmt.Sprintf("%s_%04d", prefix, i)
		s.sessions[id] = cobrowse.Session{ID: id, Status: cobrowse.StatusActive, CustomerID: "cus_" + id, AgentID: "stf_bench",
			Capabilities: []cobrowse.Capability{cobrowse.CapView}, Policy: relayPolicy, PolicyVersion: relayPolicy.Version, Version: 1}
	}
	return s
}

func (s *relayStore) ids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.sessions))
	for id := range s.sessions {
		out = append(out, id)
	}
	return out
}

func (s *relayStore) Session(_ context.Context, id string) (cobrowse.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok {
		return sess, errs.NotFoundf("no session %s", id)
	}
	return sess, nil
}

func (s *relayStore) Consent(context.Context, string, string, cobrowse.ConsentInput, string) (cobrowse.Session, error) {
	return cobrowse.Session{}, errs.New(errs.Conflict, "bench", "the benchmark's sessions are consented up front")
}

func (s *relayStore) End(_ context.Context, id string, by cobrowse.Party, reason string) (cobrowse.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[id]
	sess.Status, sess.EndedBy, sess.EndReason, sess.Version = cobrowse.StatusEnded, by, reason, sess.Version+1
	s.sessions[id] = sess
	return sess, nil
}

func (s *relayStore) ExpireStale(context.Context) ([]cobrowse.Session, error) { return nil, nil }

func (s *relayStore) AppendChunk(_ context.Context, id string, events []json.RawMessage, _ time.Time) error {
	if len(events) == 0 {
		return nil
	}
	body := append(append([]byte{'['}, bytes.Join(relayBytesOf(events), []byte{','})...), ']')
	s.mu.Lock()
	defer s.mu.Unlock()
	prev := s.heads[id]
	if prev == nil {
		prev = cobrowse.GenesisHash(id)
	}
	s.heads[id] = cobrowse.ChainHash(prev, s.counts[id], body)
	s.counts[id]++
	return nil
}

func relayBytesOf(events []json.RawMessage) [][]byte {
	out := make([][]byte, len(events))
	for i, e := range events {
		out[i] = e
	}
	return out
}

// serveHub answers /ws?session=&role= straight into the hub: the benchmark
// measures the relay, not authentication.
func serveHub(hub *cobrowse.Hub, store *relayStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := store.Session(r.Context(), r.URL.Query().Get("session"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		hub.Serve(w, r, sess, cobrowse.Role(r.URL.Query().Get("role")))
	})
}

// relayPassthrough is the bare relay's filter: the same hub with the gate
// bypassed. It exists only here; serve always gates. It still checks that
// each event is JSON — the hub leaves that to its filter, and any relay must
// do it — and nothing more.
type relayPassthrough struct{}

func (relayPassthrough) Filter(ev []byte) (cobrowse.FilterResult, error) {
	if !json.Valid(ev) {
		return cobrowse.FilterResult{}, &cobrowse.DropError{Reason: cobrowse.ReasonMalformed, Detail: "invalid JSON"}
	}
	return cobrowse.FilterResult{Events: [][]byte{ev}}, nil
}

func (relayPassthrough) Masked(int) (bool, bool) { return true, false }

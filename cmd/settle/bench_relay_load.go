package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/settlehq/settle/cobrowse"
	"github.com/settlehq/settle/cobrowse/rrwebgen"
)

// relay is one hub under load: n sessions, each a customer replaying the
// same recorded stream and an agent receiving it, over loopback. Every event
// carries its send time in its timestamp (13 digits, overwritten in place),
// so the agent side measures delivery latency from the bytes it receives.
type relay struct {
	hub      *cobrowse.Hub
	srv      *http.Server
	sessions []*relaySession
	perBatch int
	epoch    time.Time

	counting  atomic.Bool
	delivered atomic.Int64
	sent      atomic.Int64
	latMu     sync.Mutex
	lat       []float64 // ms; collected while recording is on
	recording atomic.Bool
}

type relaySession struct {
	cust, agent *websocket.Conn
	tokens      chan struct{} // the closed loop's window
	buf         []byte
}

// relayTemplate is one batch as a customer message, with where its timestamps are.
type relayTemplate struct {
	msg   []byte
	stamp []int
}

func relayTemplates(batches [][][]byte) []relayTemplate {
	out := make([]relayTemplate, len(batches))
	marker := []byte(`"timestamp":` + rrwebgen.Timestamp)
	for i, b := range batches {
		msg := append([]byte(`{"type":"events","events":[`), bytes.Join(b, []byte{','})...)
		msg = append(msg, "]}"...)
		t := relayTemplate{msg: msg}
		for off := 0; ; {
			j := bytes.Index(msg[off:], marker)
			if j < 0 {
				break
			}
			t.stamp = append(t.stamp, off+j+len(`"timestamp":`))
			off += j + len(marker)
		}
		out[i] = t
	}
	return out
}

const relayStampBase = 1_000_000_000_000 // 13 digits, as rrwebgen.Timestamp

func newRelay(prefix string, filter func(cobrowse.Policy) (cobrowse.EventFilter, error), n int, page *rrwebgen.Page, perBatch, window int) (*relay, error) {
	store := newRelayStore(n, prefix)
	r := &relay{perBatch: perBatch, epoch: time.Now(),
		hub: cobrowse.NewHub(store, cobrowse.NewMemoryBroker(), cobrowse.HubConfig{NewFilter: filter, Log: slog.New(slog.DiscardHandler)})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r.srv = &http.Server{Handler: serveHub(r.hub, store), ReadHeaderTimeout: 10 * time.Second}
	go r.srv.Serve(ln)
	base := "ws://" + ln.Addr().String() + "/ws?session="
	first := append(append(append([]byte(`{"type":"events","events":[`), page.Meta...), ','), page.Snapshot...)
	first = append(first, "]}"...)
	for i := range n {
		s, err := openRelaySession(base+fmt.Sprintf("%s_%04d", prefix, i), first, window)
		if err != nil {
			r.close()
			return nil, err
		}
		r.sessions = append(r.sessions, s)
		go r.receive(s)
	}
	return r, nil
}

// openRelaySession connects the agent and the customer, loads the page, and
// returns once the agent has it.
func openRelaySession(url string, page []byte, window int) (*relaySession, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	agent, _, err := d.Dial(url+"&role=agent", nil)
	if err != nil {
		return nil, err
	}
	// The state message means the agent has joined: the page then reaches
	// it live rather than through the backlog.
	if _, _, err := agent.ReadMessage(); err != nil {
		return nil, err
	}
	cust, _, err := d.Dial(url+"&role=customer", nil)
	if err != nil {
		return nil, err
	}
	go discardReads(cust) // policy, state, snapshot requests
	if err := cust.WriteMessage(websocket.TextMessage, page); err != nil {
		return nil, err
	}
	for {
		_, b, err := agent.ReadMessage()
		if err != nil {
			return nil, err
		}
		if bytes.HasPrefix(b, []byte(`{"type":"events"`)) {
			break
		}
	}
	s := &relaySession{cust: cust, agent: agent, tokens: make(chan struct{}, window)}
	return s, nil
}

func discardReads(c *websocket.Conn) {
	for {
		if _, _, err := c.NextReader(); err != nil {
			return
		}
	}
}

// receive reads the agent's side: counts frames, measures latency, and
// hands the closed loop its token back.
func (r *relay) receive(s *relaySession) {
	var buf bytes.Buffer
	for {
		_, rd, err := s.agent.NextReader()
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(rd); err != nil {
			return
		}
		b := buf.Bytes()
		if !bytes.HasPrefix(b, []byte(`{"type":"events"`)) {
			continue
		}
		if r.counting.Load() {
			r.delivered.Add(1)
		}
		if r.recording.Load() {
			r.record(b)
		}
		select {
		case s.tokens <- struct{}{}:
		default:
		}
	}
}

func (r *relay) record(frame []byte) {
	i := bytes.LastIndex(frame, []byte(`"timestamp":`))
	if i < 0 || i+12+13 > len(frame) {
		return
	}
	v, err := strconv.ParseInt(string(frame[i+12:i+12+13]), 10, 64)
	if err != nil {
		return
	}
	ms := float64(time.Since(r.epoch).Microseconds()-(v-relayStampBase)) / 1000
	r.latMu.Lock()
	r.lat = append(r.lat, ms)
	r.latMu.Unlock()
}

// send stamps a batch with the time and writes it.
func (r *relay) send(s *relaySession, t relayTemplate) error {
	s.buf = append(s.buf[:0], t.msg...)
	stamp := strconv.AppendInt(nil, relayStampBase+time.Since(r.epoch).Microseconds(), 10)
	for _, off := range t.stamp {
		copy(s.buf[off:off+13], stamp)
	}
	r.sent.Add(1)
	return s.cust.WriteMessage(websocket.TextMessage, s.buf)
}

// saturate runs the closed loop — each customer keeps window batches in
// flight — and returns delivered events per second over d.
func (r *relay) saturate(ts []relayTemplate, window int, d time.Duration) float64 {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, s := range r.sessions {
		for range window {
			s.tokens <- struct{}{}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-s.tokens:
					if r.send(s, ts[i%len(ts)]) != nil {
						return
					}
				}
			}
		}()
	}
	time.Sleep(d / 5) // warm up
	r.delivered.Store(0)
	r.counting.Store(true)
	start := time.Now()
	time.Sleep(d)
	n, elapsed := r.delivered.Load(), time.Since(start)
	r.counting.Store(false)
	close(stop)
	wg.Wait()
	r.drain(window)
	return float64(n) * float64(r.perBatch) / elapsed.Seconds()
}

// drain waits for batches in flight to arrive, so one measurement does not
// spill into the next.
func (r *relay) drain(window int) {
	for tries := 0; tries < 500; tries++ {
		inFlight := 0
		for _, s := range r.sessions {
			inFlight += window - len(s.tokens)
		}
		if inFlight == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, s := range r.sessions {
		for len(s.tokens) > 0 {
			<-s.tokens
		}
	}
}

// latencyAt runs the open loop: every customer sends on a fixed schedule
// adding up to rate events per second, for d; it returns p50 and p99
// delivery latency in milliseconds.
func (r *relay) latencyAt(ts []relayTemplate, rate float64, d time.Duration) (p50, p99 float64, err error) {
	n := len(r.sessions)
	interval := time.Duration(float64(n*r.perBatch) / rate * float64(time.Second))
	r.latMu.Lock()
	r.lat = r.lat[:0]
	r.latMu.Unlock()
	sent0, stop := r.sent.Load(), make(chan struct{})
	var wg sync.WaitGroup
	r.recording.Store(true)
	for k, s := range r.sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(interval * time.Duration(k) / time.Duration(n)) // spread the sends
			t := time.NewTicker(interval)
			defer t.Stop()
			for i := k; ; i++ {
				select {
				case <-stop:
					return
				case <-t.C:
					if r.send(s, ts[i%len(ts)]) != nil {
						return
					}
				}
			}
		}()
	}
	time.Sleep(d)
	close(stop)
	wg.Wait()
	sent := int(r.sent.Load() - sent0)
	for tries := 0; tries < 500 && r.samples() < sent; tries++ {
		time.Sleep(10 * time.Millisecond)
	}
	r.recording.Store(false)
	r.latMu.Lock()
	defer r.latMu.Unlock()
	if len(r.lat) < sent {
		return 0, 0, fmt.Errorf("only %d of %d batches arrived", len(r.lat), sent)
	}
	slices.Sort(r.lat)
	return latencyPercentile(r.lat, 0.50), latencyPercentile(r.lat, 0.99), nil
}

func (r *relay) samples() int {
	r.latMu.Lock()
	defer r.latMu.Unlock()
	return len(r.lat)
}

func latencyPercentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

func (r *relay) close() {
	for _, s := range r.sessions {
		s.cust.Close()
		s.agent.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r.hub.Close(ctx)
	r.srv.Close()
}

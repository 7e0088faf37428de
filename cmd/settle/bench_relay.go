package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/settlehq/settle/cobrowse"
	"github.com/settlehq/settle/cobrowse/rrwebgen"
)

// benchRelay measures the cobrowse relay with its redaction gate next to the
// same hub with the gate bypassed, on the same recorded stream; the gate on
// large full snapshots next to encoding/json; and an idle session's memory
// next to bare gorilla connections. Loopback only; every loop is bounded by
// a duration or a count.
func (a *app) benchRelay(ctx context.Context, args []string) ([]Figure, error) {
	fs := a.flags("bench relay", "bench relay [--sessions 200] [--duration 3s] [--json]",
		`Events per second and p50/p99 delivery latency through the gate next to a bare
relay (the same hub with the gate bypassed) on the same generated rrweb stream
(full snapshot, then mutations, mouse moves, clicks, scrolls and inputs); the
latency at half of the bare relay's saturation load. Then the gate on 1 MB and
15 MB full snapshots next to encoding/json decode+encode of the same bytes, and
the memory of an idle session (customer and agent connected) next to a pair of
bare gorilla connections.`)
	o := relayOptions{}
	fs.IntVar(&o.sessions, "sessions", 200, "concurrent sessions (each a customer and an agent)")
	fs.DurationVar(&o.duration, "duration", 3*time.Second, "measuring time per variant and round")
	fs.IntVar(&o.rounds, "rounds", 2, "saturation rounds per variant (the best is kept)")
	fs.IntVar(&o.pageKB, "page-kb", 64, "size of each session's full snapshot, KB")
	fs.IntVar(&o.perBatch, "batch", 6, "events per customer message (the SDK flushes every 500 ms)")
	fs.IntVar(&o.window, "window", 4, "messages each customer keeps in flight at saturation")
	snapshots := fs.String("snapshot-mb", "1,15", "full-snapshot sizes for the gate figures, MB")
	fs.IntVar(&o.snapshotRounds, "snapshot-rounds", 3, "rounds per snapshot size (the best is kept)")
	if err := a.parse(fs, args); err != nil {
		return nil, err
	}
	if o.sessions < 1 || o.duration <= 0 || o.rounds < 1 || o.perBatch < 1 || o.window < 1 || o.snapshotRounds < 1 {
		return nil, fmt.Errorf("bench relay: sessions, duration, rounds, batch, window and snapshot-rounds must be positive")
	}
	for _, s := range strings.Split(*snapshots, ",") {
		mb, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || mb < 1 || mb > 16 {
			return nil, fmt.Errorf("bench relay: --snapshot-mb takes sizes from 1 to 16, e.g. 1,15")
		}
		o.snapshotMB = append(o.snapshotMB, mb)
	}
	figs, err := relayFigures(o)
	if err != nil {
		return nil, err
	}
	for _, mb := range o.snapshotMB {
		f, err := snapshotFigure(mb, o.snapshotRounds)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	session, bare, err := idleSessionBytes(o.sessions)
	if err != nil {
		return nil, err
	}
	return append(figs, NewFigure("idle_session_bytes", round(session, 0), "B", round(bare, 0),
		"<= 1.25x a bare gorilla connection pair")), nil
}

type relayOptions struct {
	sessions, rounds, pageKB, perBatch, window, snapshotRounds int
	duration                                                   time.Duration
	snapshotMB                                                 []int
}

func relayGateFilter(p cobrowse.Policy) (cobrowse.EventFilter, error) { return cobrowse.NewGate(p) }

func relayBareFilter(cobrowse.Policy) (cobrowse.EventFilter, error) { return relayPassthrough{}, nil }

// relayFigures runs both relays side by side: saturation rounds alternate
// (each keeps its best, so a burst of load elsewhere hits neither
// unfairly), then latency at half the bare relay's saturation load.
func relayFigures(o relayOptions) ([]Figure, error) {
	page := rrwebgen.NewPage(o.pageKB<<10, 1)
	batches := page.Batches(40, o.perBatch, 2)
	if err := checkRelayStream(page, batches); err != nil {
		return nil, err
	}
	ts := relayTemplates(batches)
	bare, err := newRelay("bare", relayBareFilter, o.sessions, page, o.perBatch, o.window)
	if err != nil {
		return nil, err
	}
	defer bare.close()
	gated, err := newRelay("gate", relayGateFilter, o.sessions, page, o.perBatch, o.window)
	if err != nil {
		return nil, err
	}
	defer gated.close()
	var bareRate, gateRate float64
	for range o.rounds {
		bareRate = max(bareRate, bare.saturate(ts, o.window, o.duration))
		gateRate = max(gateRate, gated.saturate(ts, o.window, o.duration))
	}
	load := bareRate / 2
	bare50, bare99, err := bare.latencyAt(ts, load, o.duration)
	if err != nil {
		return nil, fmt.Errorf("bare relay at %.0f events/s: %w", load, err)
	}
	gate50, gate99, err := gated.latencyAt(ts, load, o.duration)
	if err != nil {
		return nil, fmt.Errorf("gated relay at %.0f events/s: %w", load, err)
	}
	at := fmt.Sprintf(" (at %.0f events/s, half the bare saturation)", load)
	return []Figure{
		NewFigure("relay_events_per_s", round(gateRate, 0), "1/s", round(bareRate, 0), ">= 0.5x bare relay"),
		NewFigure("relay_p50_ms", round(gate50, 3), "ms", round(bare50, 3), "informational"+at),
		NewFigure("relay_p99_ms", round(gate99, 3), "ms", round(bare99, 3), "<= bare relay p99 + 5 ms"+at),
	}, nil
}

// checkRelayStream makes sure the gate takes the whole generated stream: a drop
// would make the two relays carry different work.
func checkRelayStream(page *rrwebgen.Page, batches [][][]byte) error {
	g, err := cobrowse.NewGate(relayPolicy)
	if err != nil {
		return err
	}
	all := append([][]byte{page.Meta, page.Snapshot}, concatBatches(batches)...)
	for i, ev := range append(all, concatBatches(batches)...) {
		if res, err := g.Filter(ev); err != nil || len(res.Dropped) > 0 {
			return fmt.Errorf("bench relay: the gate drops generated event %d: %v %v", i, err, res.Dropped)
		}
	}
	return nil
}

func concatBatches(batches [][][]byte) [][]byte {
	var out [][]byte
	for _, b := range batches {
		out = append(out, b...)
	}
	return out
}

// snapshotFigure times the gate on a full snapshot of mb megabytes next to
// encoding/json decoding the same bytes into any and encoding them again.
func snapshotFigure(mb, rounds int) (Figure, error) {
	snap := rrwebgen.NewPage(mb<<20, 1).Snapshot
	g, err := cobrowse.NewGate(relayPolicy)
	if err != nil {
		return Figure{}, err
	}
	if _, err := g.Filter(snap); err != nil {
		return Figure{}, err
	}
	gate, base := time.Duration(1<<62), time.Duration(1<<62)
	for range rounds {
		start := time.Now()
		if _, err := g.Filter(snap); err != nil {
			return Figure{}, err
		}
		gate = min(gate, time.Since(start))
		start = time.Now()
		var v any
		if err := json.Unmarshal(snap, &v); err != nil {
			return Figure{}, err
		}
		if _, err := json.Marshal(v); err != nil {
			return Figure{}, err
		}
		base = min(base, time.Since(start))
	}
	ms := func(d time.Duration) float64 { return round(float64(d.Microseconds())/1000, 3) }
	return NewFigure(fmt.Sprintf("gate_snapshot_%dmb_ms", mb), ms(gate), "ms", ms(base), "<= 1.5x encoding/json decode+encode"), nil
}

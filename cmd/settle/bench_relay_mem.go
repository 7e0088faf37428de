package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/settlehq/settle/cobrowse"
)

// Idle memory: n sessions, each with its customer and its agent connected
// and nothing happening, against n pairs of bare gorilla connections served
// the way gorilla's chat example serves them (a read loop, a write loop
// with a 256-message queue and pings). Both sides are measured in this
// process as live heap plus goroutine stacks after a full GC; the clients
// are raw sockets that did the WebSocket handshake by hand, so they cost
// the same small amount on both sides and no goroutine.

func idleSessionBytes(n int) (session, bare float64, err error) {
	if session, err = idleRelayMeasure(n, func() (http.Handler, func() int, func()) {
		store := newRelayStore(n, "idle")
		hub := cobrowse.NewHub(store, cobrowse.NewMemoryBroker(), cobrowse.HubConfig{Log: slog.New(slog.DiscardHandler)})
		ready := func() int { st := hub.Stats(); return min(st.Customers, st.Agents) }
		stop := func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			hub.Close(ctx)
		}
		return serveHub(hub, store), ready, stop
	}, func(i int) []string {
		id := fmt.Sprintf("idle_%04d", i)
		return []string{"/ws?session=" + id + "&role=customer", "/ws?session=" + id + "&role=agent"}
	}); err != nil {
		return 0, 0, err
	}
	bare, err = idleRelayMeasure(n, func() (http.Handler, func() int, func()) {
		var conns atomic.Int64
		return bareGorillaHandler(&conns), func() int { return int(conns.Load()) / 2 }, func() {}
	}, func(int) []string { return []string{"/bare", "/bare"} })
	return session, bare, err
}

// idleRelayMeasure opens n units of connections (paths(i) each) against the
// handler and returns the bytes each unit costs.
func idleRelayMeasure(n int, setup func() (http.Handler, func() int, func()), paths func(int) []string) (float64, error) {
	h, ready, stop := setup()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	defer stop()
	before := relayLiveBytes()
	var clients []net.Conn
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	for i := range n {
		for _, p := range paths(i) {
			c, err := rawRelayWebSocket(ln.Addr().String(), p)
			if err != nil {
				return 0, err
			}
			clients = append(clients, c)
		}
	}
	for tries := 0; ready() < n; tries++ {
		if tries == 3000 {
			return 0, fmt.Errorf("only %d of %d idle sessions came up", ready(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return float64(relayLiveBytes()-before) / float64(n), nil
}

func relayLiveBytes() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc + m.StackInuse)
}

// rawRelayWebSocket does the client handshake by hand and keeps only the socket.
func rawRelayWebSocket(addr, path string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", path, addr)
	status, err := bufio.NewReader(io.LimitReader(c, 1024)).ReadString('\n')
	if err != nil || !strings.Contains(status, " 101 ") {
		c.Close()
		return nil, fmt.Errorf("handshake for %s: %q %v", path, status, err)
	}
	return c, nil
}

// bareGorillaHandler serves gorilla's chat example connection: nothing else.
func bareGorillaHandler(conns *atomic.Int64) http.HandlerFunc {
	up := websocket.Upgrader{}
	return func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		conns.Add(1)
		defer conns.Add(-1)
		send := make(chan []byte, 256)
		go bareGorillaWriter(ws, send)
		ws.SetReadLimit(64 << 10)
		ws.SetReadDeadline(time.Now().Add(60 * time.Second))
		ws.SetPongHandler(func(string) error { return ws.SetReadDeadline(time.Now().Add(60 * time.Second)) })
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				break
			}
		}
		close(send)
		ws.Close()
	}
}

func bareGorillaWriter(ws *websocket.Conn, send chan []byte) {
	ping := time.NewTicker(25 * time.Second)
	defer ping.Stop()
	for {
		select {
		case m, ok := <-send:
			if !ok {
				return
			}
			ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if ws.WriteMessage(websocket.TextMessage, m) != nil {
				return
			}
		case <-ping.C:
			if ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(10*time.Second)) != nil {
				return
			}
		}
	}
}

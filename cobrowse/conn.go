package cobrowse

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Role is which side of a session a connection is.
type Role string

const (
	RoleCustomer Role = "customer"
	RoleAgent    Role = "agent"
)

// connLimits bound one connection.
type connLimits struct {
	readLimit    int64 // largest message read, bytes
	queueLen     int   // messages waiting for the writer
	queueBytes   int64 // bytes waiting for the writer
	pingInterval time.Duration
	pongWait     time.Duration // without a pong (or a message) for this long, the peer is gone
	writeWait    time.Duration // per message, plus writePerMiB for each MiB
}

// Network deadlines are wall-clock by nature (the kernel enforces them), so
// they are the one place the relay reads time.Now instead of the clock.
const (
	writePerMiB = time.Second // a 15 MB snapshot to a slow agent gets 15 s more
	closeGrace  = 2 * time.Second
)

// conn is one WebSocket: its reader runs on the handler's goroutine, its
// writer on its own; everything else talks to it through enqueue and close,
// which never block. A connection that cannot keep up is closed rather than
// allowed to slow anyone down.
type conn struct {
	id   string
	role Role
	ws   *websocket.Conn
	lim  connLimits
	log  *slog.Logger

	send   chan []byte
	queued atomic.Int64

	once      sync.Once
	quit      chan struct{}
	closing   atomic.Bool
	code      int
	reason    string
	writeDone chan struct{}

	warned bool // told about events before consent (reader goroutine only)
}

func newConn(ws *websocket.Conn, id string, role Role, lim connLimits, log *slog.Logger) *conn {
	return &conn{id: id, role: role, ws: ws, lim: lim, log: log,
		send: make(chan []byte, lim.queueLen), quit: make(chan struct{}), writeDone: make(chan struct{})}
}

// enqueue hands m to the writer. It reports false when the connection's queue
// is full (by count or bytes); the caller decides what that means.
func (c *conn) enqueue(m []byte) bool {
	if c.closing.Load() {
		return true // going away: nothing more to send, and nothing to blame
	}
	if c.queued.Load()+int64(len(m)) > c.lim.queueBytes {
		return false
	}
	select {
	case c.send <- m:
		c.queued.Add(int64(len(m)))
		return true
	default:
		return false
	}
}

// close starts the closing handshake with code and reason; the first call
// wins. It does not wait.
func (c *conn) close(code int, reason string) {
	c.once.Do(func() {
		c.code, c.reason = code, closeReason(reason)
		c.closing.Store(true)
		close(c.quit)
	})
}

func (c *conn) writeLoop() {
	defer close(c.writeDone)
	ping := time.NewTicker(c.lim.pingInterval)
	defer ping.Stop()
	for {
		select {
		case <-c.quit:
			c.finish()
			return
		case m := <-c.send:
			c.queued.Add(-int64(len(m)))
			if err := c.write(m); err != nil {
				c.abort()
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.lim.writeWait)); err != nil {
				c.abort()
				return
			}
		}
	}
}

func (c *conn) write(m []byte) error {
	wait := c.lim.writeWait + time.Duration(len(m)>>20)*writePerMiB
	c.ws.SetWriteDeadline(time.Now().Add(wait))
	return c.ws.WriteMessage(websocket.TextMessage, m)
}

// finish sends what is still queued (unless the peer is the reason for
// closing), then the close frame, and gives the reader closeGrace to see the
// peer's answering close frame. A write in progress is never cut short: half
// a frame would leave no way to deliver the close reason. A peer that reads
// nothing at all is dropped when the write deadline passes.
func (c *conn) finish() {
	if c.code != CloseTooSlow {
		for drained := false; !drained; {
			select {
			case m := <-c.send:
				if c.write(m) != nil {
					drained = true
				}
			default:
				drained = true
			}
		}
	}
	msg := websocket.FormatCloseMessage(c.code, c.reason)
	c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.lim.writeWait))
	c.ws.SetReadDeadline(time.Now().Add(closeGrace))
}

// abort gives up on a connection whose writes fail: closing the socket ends
// the reader too.
func (c *conn) abort() {
	c.once.Do(func() {
		c.closing.Store(true)
		close(c.quit)
	})
	c.ws.Close()
}

var errTooBig = errors.New("message too big")

// readLoop reads messages until the connection ends and hands each to handle.
// A handle error closes the connection with the error's code and reason;
// after that, messages are discarded until the peer's close frame arrives.
func (c *conn) readLoop(handle func([]byte) error) {
	c.extend()
	c.ws.SetPongHandler(func(string) error { c.extend(); return nil })
	for {
		mt, r, err := c.ws.NextReader()
		if err != nil {
			return
		}
		if c.closing.Load() {
			continue // NextReader discards the rest of this message
		}
		c.extend()
		if mt != websocket.TextMessage {
			c.close(CloseUnsupported, "binary frames are not part of the protocol: send JSON text")
			continue
		}
		data, err := readLimited(r, c.lim.readLimit)
		switch {
		case errors.Is(err, errTooBig):
			c.close(CloseTooBig, fmt.Sprintf("message larger than %d bytes", c.lim.readLimit))
			continue
		case err != nil:
			return
		}
		if err := handle(data); err != nil {
			c.closeFor(err)
		}
	}
}

// extend moves the read deadline: the peer is alive.
func (c *conn) extend() {
	if !c.closing.Load() {
		c.ws.SetReadDeadline(time.Now().Add(c.lim.pongWait))
	}
}

func (c *conn) closeFor(err error) {
	var pe *protocolError
	if errors.As(err, &pe) {
		c.log.Info("cobrowse: closing connection: protocol violation", slog.Int("code", pe.code), slog.String("reason", pe.reason))
		c.close(pe.code, pe.reason)
		return
	}
	c.log.Error("cobrowse: closing connection: internal error", slog.String("error", err.Error()))
	c.close(CloseInternal, "internal error")
}

// shutdown ends the connection after its reader returned: it closes (if no
// one has yet), waits for the writer and releases the socket.
func (c *conn) shutdown() {
	c.close(CloseEnded, "")
	<-c.writeDone
	c.ws.Close()
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(b)) > limit {
		return nil, errTooBig
	}
	return b, err
}

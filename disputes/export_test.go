package disputes

import "time"

// SetStreamTimings shortens the queue stream's heartbeat and write timeout
// for a test; the returned function restores them.
func SetStreamTimings(heartbeat, writeTimeout time.Duration) (restore func()) {
	hb, wt := streamHeartbeat, streamWriteTimeout
	streamHeartbeat, streamWriteTimeout = heartbeat, writeTimeout
	return func() { streamHeartbeat, streamWriteTimeout = hb, wt }
}

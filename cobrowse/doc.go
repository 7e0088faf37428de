// Package cobrowse is Settle's redacted screen sharing: an agent sees a live
// replay of the customer's app, recorded in the customer's browser with rrweb.
//
// The redaction gate (gate.go) is the part every byte of a session passes
// through. The customer's browser already masks, but the server does not trust
// it: per session, a Gate keeps its own mirror of the page's node tree and
// re-applies the privacy Policy to every rrweb event before it reaches an
// agent or a recording. Text, input values and text-bearing attributes of
// nodes that are not allowlisted (or are secret: passwords, card fields,
// data-settle-secret) are masked; card numbers, IBANs, emails and phone
// numbers are masked in every string, allowlisted or not; CSS loses its
// content strings and data: URLs; URLs lose their query and fragment. The gate
// is pure (no I/O, no clock) and fails closed: it never forwards a string it
// has not classified, re-encodes each event from the fields it understands,
// and drops whatever it does not understand (unknown event types and sources,
// canvas, fonts, logs, custom and plugin events, nodes it cannot place) with a
// reason the caller can log. fastwire.go decodes events without reflection
// and hands anything outside its strict subset to encoding/json.
//
// Around the gate:
//   - Sessions (session.go, service.go): requested → awaiting_consent →
//     active → ended, started by the agent owning an escalated dispute (the
//     disputes package answers through the Cases interface; cobrowse never
//     imports it) or with a join code (codes.go). Only the session's agent
//     joins it live; ops review recordings.
//   - Consent (consent.go) is protocol state: the receipt is stored before
//     the relay hears of it, and no customer event reaches an agent or a
//     recording before that.
//   - The relay (hub.go, room.go, conn.go, customer.go, control.go): one
//     room per session, one reader and one writer per connection, bounded
//     queues, slow agents cut off, a late-joiner backlog (backlog.go), and a
//     Broker seam (broker.go) through which every gated event, control
//     message and state change travels, in memory today.
//   - The recorder (recorder.go, recordings.go) stores gated events only, in
//     hash-chained chunks; ops verify and replay them; a River job purges them
//     after the retention (jobs.go).
//   - WebSocket tickets (tickets.go) let browsers authenticate an upgrade.
//
// The wire protocol is written down in PROTOCOL.md. What this package must
// never do: forward or store a customer event that has not passed the gate,
// or do so before the consent receipt is stored; log page text, codes or
// tickets.
package cobrowse

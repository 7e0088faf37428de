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
// reason the caller can log.
package cobrowse

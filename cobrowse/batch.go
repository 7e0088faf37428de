package cobrowse

import (
	"bytes"
	"encoding/json"
)

// splitEvents reads the common case of a customer message,
// {"type":"events","events":[...]}, by finding where each event starts and
// ends, without decoding it: every event is then decoded, and so validated,
// by the gate itself — reading it twice was a quarter of the relay's work.
// Any other shape (other members, another order of trouble) reports false
// and the message goes through parseInbound.
func splitEvents(b []byte) ([]json.RawMessage, bool) {
	s := scanner{b: b}
	var events []json.RawMessage
	seen := 0
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			raw, ok := s.rawStr()
			return once(&seen, 1) && ok && string(raw) == "events"
		case "events":
			events = []json.RawMessage{}
			return once(&seen, 2) && s.array(func() bool {
				start := s.i
				if !s.skipValue() {
					return false
				}
				events = append(events, bytes.TrimSpace(s.b[start:s.i]))
				return true
			})
		}
		return false
	})
	s.ws()
	return events, ok && seen == 3 && s.i == len(s.b)
}

// skipValue moves past one JSON value, checking only that its brackets
// balance and its strings end: a tight loop, since this runs over every
// byte a customer sends.
func (s *scanner) skipValue() bool {
	s.ws()
	start, depth := s.i, 0
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			if _, ok := s.skipStr(); !ok {
				return false
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return s.i > start
			}
			depth--
		case ',':
			if depth == 0 {
				return s.i > start
			}
		}
		s.i++
	}
	return false
}

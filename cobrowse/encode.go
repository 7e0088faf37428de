package cobrowse

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// jsonWriter appends JSON to a byte slice. The gate writes every forwarded
// event through it from typed values, so nothing it did not decode and
// classify can reach the output. A separator is written when the last byte is
// not an opening bracket, which keeps call sites free of "first" flags.
type jsonWriter struct {
	b []byte
}

func (w *jsonWriter) sep() {
	if n := len(w.b); n > 0 {
		if c := w.b[n-1]; c != '{' && c != '[' {
			w.b = append(w.b, ',')
		}
	}
}

// key writes a member name; names are the gate's own constants or pass
// through str when they came from the page.
func (w *jsonWriter) key(k string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
}

// strKey writes a member name that came from the page.
func (w *jsonWriter) strKey(k string) {
	w.sep()
	w.b = appendJSONString(w.b, k)
	w.b = append(w.b, ':')
}

func (w *jsonWriter) open(c byte)  { w.b = append(w.b, c) }
func (w *jsonWriter) close(c byte) { w.b = append(w.b, c) }
func (w *jsonWriter) elem()        { w.sep() }

func (w *jsonWriter) str(s string) { w.b = appendJSONString(w.b, s) }
func (w *jsonWriter) null()        { w.b = append(w.b, "null"...) }
func (w *jsonWriter) int(i int)    { w.b = appendJSONInt(w.b, i) }

func appendJSONInt(b []byte, i int) []byte {
	if i >= 0 && i < 1e9 {
		return appendSmallUint(b, uint32(i))
	}
	return strconv.AppendInt(b, int64(i), 10)
}
func (w *jsonWriter) float(f float64) {
	w.b = appendJSONFloat(w.b, f)
}
func (w *jsonWriter) bool(v bool) { w.b = strconv.AppendBool(w.b, v) }

// Helpers for the common "key: value" pairs.
func (w *jsonWriter) kInt(k string, i int)       { w.key(k); w.int(i) }
func (w *jsonWriter) kFloat(k string, f float64) { w.key(k); w.float(f) }
func (w *jsonWriter) kStr(k, s string)           { w.key(k); w.str(s) }
func (w *jsonWriter) kBool(k string, v bool)     { w.key(k); w.bool(v) }
func (w *jsonWriter) kOptFloat(k string, f *float64) {
	if f != nil {
		w.kFloat(k, *f)
	}
}
func (w *jsonWriter) kOptBool(k string, v *bool) {
	if v != nil {
		w.kBool(k, *v)
	}
}
func (w *jsonWriter) kOptInt(k string, i *int) {
	if i != nil {
		w.kInt(k, *i)
	}
}

// appendJSONFloat formats like encoding/json: plain decimals in the usual
// range, exponent form outside it.
func appendJSONFloat(b []byte, f float64) []byte {
	// Small positive whole numbers (coordinates, ids, offsets) take the
	// shortest path; NaN fails the comparison and -0 is not > 0.
	if f > 0 && f < 1e9 {
		if u := uint32(f); float64(u) == f {
			return appendSmallUint(b, u)
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0')
	}
	// Whole numbers (most coordinates and timestamps) print the same as
	// integers, without the shortest-float search; -0 keeps its sign below.
	if f == math.Trunc(f) && math.Abs(f) < 1e15 && !(f == 0 && math.Signbit(f)) {
		return strconv.AppendInt(b, int64(f), 10)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// As encoding/json: e-09 becomes e-9.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendSmallUint appends u in decimal, as strconv.AppendUint does.
func appendSmallUint(b []byte, u uint32) []byte {
	var buf [10]byte
	i := len(buf)
	for u >= 10 {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
	}
	i--
	buf[i] = byte('0' + u)
	return append(b, buf[i:]...)
}

const hexDigits = "0123456789abcdef"

// plainRun returns the index of the first byte at or after i that needs a
// look in a JSON string (see strStop), or len(s).
func plainRun(s string, i int) int {
	for i < len(s) && !strStop[s[i]] {
		i++
	}
	return i
}

// appendJSONString quotes s. Invalid UTF-8 becomes U+FFFD and U+2028/U+2029
// are escaped, as encoding/json does, so the output is valid JSON and safe to
// embed in a script.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i = plainRun(s, i); i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscapedByte(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

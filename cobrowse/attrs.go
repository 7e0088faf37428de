package cobrowse

import "strings"

// How the gate treats each attribute. Names are compared ASCII-lower-cased
// (browsers lower-case HTML attribute names, so "SRCDOC" is srcdoc). Anything
// not known to be structural is treated as text: masked on masked nodes.

type attrClass uint8

const (
	attrText  attrClass = iota // page text: masked on masked nodes (the default)
	attrPlain                  // structure, not text: forwarded, detectors still run
	attrEnum                   // forwarded when the value is a known token, else text
	attrURL                    // query and fragment dropped, odd schemes dropped
	attrCSS                    // sanitized as CSS
	attrDrop                   // never forwarded
)

func classifyAttr(tag, name string) attrClass {
	switch {
	case tag == "script":
		return attrDrop // rrweb replays scripts as inert <noscript>; nothing to show
	case strings.HasPrefix(name, "on"):
		return attrDrop
	case name == "style":
		return attrCSS
	case name == "_csstext":
		if tag == "style" || tag == "link" {
			return attrCSS
		}
		return attrDrop
	}
	if c, ok := attrClasses[name]; ok {
		return c
	}
	return attrText
}

var attrClasses = func() map[string]attrClass {
	m := map[string]attrClass{}
	for _, n := range strings.Fields(`srcdoc srcset imagesrcset rr_dataurl ping nonce`) {
		m[n] = attrDrop
	}
	for _, n := range strings.Fields(`href src action formaction poster cite data background
		xlink:href longdesc manifest icon codebase lowsrc rr_src xml:base`) {
		m[n] = attrURL
	}
	for _, n := range strings.Fields(`aria-hidden aria-expanded aria-selected aria-checked
		aria-pressed aria-disabled aria-current aria-haspopup aria-modal aria-busy aria-invalid
		aria-live aria-atomic aria-orientation aria-sort aria-autocomplete aria-multiselectable
		aria-readonly aria-required aria-multiline data-settle-unredact data-settle-secret
		data-rr-is-password data-state data-orientation data-side data-align data-disabled
		data-highlighted`) {
		m[n] = attrEnum
	}
	for _, n := range strings.Fields(plainAttrNames) {
		m[n] = attrPlain
	}
	return m
}()

// plainAttrNames are HTML and SVG attributes that shape the page rather than
// carry its text, plus rrweb's own bookkeeping attributes.
const plainAttrNames = `id class type name role rel for tabindex dir lang translate hidden
	draggable spellcheck contenteditable inputmode enterkeyhint autocapitalize autocomplete
	autofocus slot part is width height colspan rowspan span scope headers align valign border
	cellpadding cellspacing bgcolor color size cols rows wrap maxlength minlength min max step
	multiple disabled checked selected readonly required novalidate open start reversed target
	method enctype accept accept-charset charset media sizes crossorigin integrity loading
	decoding fetchpriority referrerpolicy async defer nomodule as http-equiv frameborder allow
	allowfullscreen sandbox scrolling marginwidth marginheight controls autoplay loop muted
	playsinline preload kind srclang default shape coords usemap ismap xmlns xmlns:xlink
	version form list popover popovertarget popovertargetaction inert
	viewbox d fill stroke stroke-width stroke-linecap stroke-linejoin stroke-dasharray
	stroke-dashoffset stroke-miterlimit stroke-opacity fill-opacity fill-rule clip-rule
	clip-path mask filter transform x y x1 y1 x2 y2 cx cy r rx ry dx dy points opacity
	preserveaspectratio gradientunits gradienttransform offset stop-color stop-opacity
	patternunits patterncontentunits patterntransform xml:space text-anchor dominant-baseline
	font-size font-family font-weight letter-spacing textlength lengthadjust marker-start
	marker-mid marker-end markerwidth markerheight refx refy orient vector-effect
	shape-rendering color-interpolation-filters stddeviation in in2 result mode operator values
	flood-color flood-opacity focusable visibility display overflow pathlength rotate
	rr_width rr_height rr_scrollleft rr_scrolltop rr_mediastate rr_mediacurrenttime
	rr_mediaplaybackrate rr_mediamuted rr_medialoop rr_mediavolume rr_open_mode`

// enumValues are the tokens an attrEnum attribute may carry and still be
// forwarded on a masked node.
var enumValues = func() map[string]bool {
	m := map[string]bool{"": true}
	for _, v := range strings.Fields(`true false mixed undefined page step location date time
		menu listbox tree grid dialog polite assertive off on horizontal vertical ascending
		descending none other inline list both grammar spelling open closed checked unchecked
		indeterminate active inactive top right bottom left start center end visible hidden
		delayed-open instant-open`) {
		m[v] = true
	}
	return m
}()

// attrOut is the fate of one attribute value.
type attrOut struct {
	keep  bool   // forward it (in a mutation, !keep forwards null)
	str   string // the value to forward when !lit
	lit   string // a JSON literal to forward instead (true, false, a number)
	clear bool   // a text attribute forwarded unmasked: the mirror remembers it
}

// attrValue decides how to forward name=v on an element with tag tag, given
// whether the element is masked. v is what encoding/json produced: string,
// float64, bool or nil; objects and arrays are never forwarded.
func attrValue(tag, lname string, v any, masked bool) attrOut {
	class := classifyAttr(tag, lname)
	if class == attrDrop {
		return attrOut{}
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case bool:
		return attrOut{keep: true, lit: litBool(x)}
	case float64:
		s = formatNumber(x)
		if class == attrPlain && redactDetected(s) == s {
			return attrOut{keep: true, lit: s}
		}
	default:
		return attrOut{}
	}
	return attrString(class, s, masked)
}

func attrString(class attrClass, s string, masked bool) attrOut {
	switch class {
	case attrURL:
		u, ok := sanitizeURL(s)
		return attrOut{keep: ok, str: u}
	case attrCSS:
		return attrOut{keep: true, str: sanitizeCSS(s)}
	case attrPlain:
		return attrOut{keep: true, str: redactDetected(s)}
	case attrEnum:
		if enumValues[lowerASCII(strings.TrimSpace(s))] {
			return attrOut{keep: true, str: s}
		}
	}
	if masked {
		return attrOut{keep: true, str: maskText(s)}
	}
	return attrOut{keep: true, str: redactDetected(s), clear: true}
}

func formatNumber(f float64) string { return string(appendJSONFloat(nil, f)) }

func litBool(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// sanitizeURL drops the query and fragment (where tokens, emails and order
// details ride) and any scheme other than http, https, mailto and tel
// (javascript:, data: images and canvases, blob:). A bare "#name" is kept: it
// points into the page (SVG <use>, in-page links) and carries no route.
// ok is false when the attribute should not be forwarded at all.
func sanitizeURL(raw string) (string, bool) {
	u := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1 // browsers ignore these inside URLs
		}
		return r
	}, raw)
	u = strings.Trim(u, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	if isFragmentRef(u) {
		return redactDetected(u), true
	}
	if scheme, ok := urlScheme(u); ok {
		switch lowerASCII(scheme) {
		case "http", "https", "mailto", "tel":
		default:
			return "", false
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return redactDetected(u), true
}

func isFragmentRef(u string) bool {
	if len(u) < 2 || u[0] != '#' {
		return false
	}
	for i := 1; i < len(u); i++ {
		if c := u[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' && c != ':' {
			return false
		}
	}
	return true
}

// urlScheme returns the scheme of an absolute URL.
func urlScheme(u string) (string, bool) {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case isLetter(c):
		case i > 0 && (isDigit(c) || c == '+' || c == '-' || c == '.'):
		case c == ':' && i > 0:
			return u[:i], true
		default:
			return "", false
		}
	}
	return "", false
}

// lowerASCII lower-cases ASCII letters, allocating only when it must.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c-'A' < 26 {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j]-'A' < 26 {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

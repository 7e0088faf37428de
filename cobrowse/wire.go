package cobrowse

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// The rrweb 2.x shapes the gate reads (see /work/shared/notes/rrweb.md). They
// are decoded with encoding/json, so fields the gate does not name are ignored
// on the way in and, because output is written from these structs by hand,
// never forwarded. One struct carries every event's data: decoding once into a
// union is cheaper than decoding an envelope and then the data again.

// rrweb event types.
const (
	evDOMContentLoaded = 0
	evLoad             = 1
	evFullSnapshot     = 2
	evIncremental      = 3
	evMeta             = 4
)

// rrweb incremental sources the gate forwards; every other one is dropped.
const (
	srcMutation          = 0
	srcMouseMove         = 1
	srcMouseInteraction  = 2
	srcScroll            = 3
	srcViewportResize    = 4
	srcInput             = 5
	srcTouchMove         = 6
	srcMediaInteraction  = 7
	srcStyleSheetRule    = 8
	srcDrag              = 12
	srcStyleDeclaration  = 13
	srcSelection         = 14
	srcAdoptedStyleSheet = 15
)

// Serialized node types.
const (
	ntDocument = 0
	ntDoctype  = 1
	ntElement  = 2
	ntText     = 3
	ntCDATA    = 4
	ntComment  = 5
)

type wireEvent struct {
	Type      *int      `json:"type"`
	Data      *wireData `json:"data"`
	Timestamp *float64  `json:"timestamp"`
}

type wireData struct {
	// FullSnapshot
	Node          *wireNode   `json:"node"`
	InitialOffset *wireOffset `json:"initialOffset"`
	// Meta; Width and Height also carry ViewportResize.
	Href   *string  `json:"href"`
	Width  *float64 `json:"width"`
	Height *float64 `json:"height"`

	Source *int `json:"source"`
	// Mutation; Removes and Adds also carry StyleSheetRule deletes and inserts.
	Texts          []wireText       `json:"texts"`
	Attributes     []wireAttrChange `json:"attributes"`
	Removes        []wireRemove     `json:"removes"`
	Adds           []wireAdd        `json:"adds"`
	IsAttachIframe bool             `json:"isAttachIframe"`
	// Pointer, scroll, input and media events.
	Positions     []wirePosition `json:"positions"`
	ID            *int           `json:"id"`
	Type          *int           `json:"type"`
	X             *float64       `json:"x"`
	Y             *float64       `json:"y"`
	PointerType   *int           `json:"pointerType"`
	Text          *string        `json:"text"`
	IsChecked     *bool          `json:"isChecked"`
	UserTriggered *bool          `json:"userTriggered"`
	CurrentTime   *float64       `json:"currentTime"`
	Volume        *float64       `json:"volume"`
	Muted         *bool          `json:"muted"`
	Loop          *bool          `json:"loop"`
	PlaybackRate  *float64       `json:"playbackRate"`
	Ranges        []wireRange    `json:"ranges"`
	// Style sheets.
	StyleID     *int             `json:"styleId"`
	Replace     *string          `json:"replace"`
	ReplaceSync *string          `json:"replaceSync"`
	Index       ruleIndex        `json:"index"`
	Set         *wireStyleSet    `json:"set"`
	Remove      *wireStyleRemove `json:"remove"`
	StyleIDs    []int            `json:"styleIds"`
	Styles      []wireSheet      `json:"styles"`
}

// wireNode is a serialized DOM node. A missing "type" reads as 0 (Document);
// the gate never trusts the type for masking, only for shape. The struct is
// kept small because snapshots hold hundreds of thousands of them.
type wireNode struct {
	ID           int            `json:"id"`
	Type         int            `json:"type"`
	TagName      string         `json:"tagName"`
	Attributes   map[string]any `json:"attributes"`
	ChildNodes   []*wireNode    `json:"childNodes"`
	TextContent  string         `json:"textContent"`
	RootID       *int           `json:"rootId"`
	IsSVG        bool           `json:"isSVG"`
	IsShadowHost bool           `json:"isShadowHost"`
	IsShadow     bool           `json:"isShadow"`
	IsCustom     bool           `json:"isCustom"`
	NeedBlock    bool           `json:"needBlock"`
	// Document and DocumentType fields.
	Name       string `json:"name"`
	PublicID   string `json:"publicId"`
	SystemID   string `json:"systemId"`
	CompatMode string `json:"compatMode"`

	m *mirrorNode // set when the node enters the mirror; nil when it was refused
}

type wireOffset struct {
	Top  float64 `json:"top"`
	Left float64 `json:"left"`
}

type wireText struct {
	ID    int     `json:"id"`
	Value *string `json:"value"`
}

type wireAttrChange struct {
	ID         int            `json:"id"`
	Attributes map[string]any `json:"attributes"`
}

type wireRemove struct {
	ParentID int       `json:"parentId"`
	ID       int       `json:"id"`
	IsShadow bool      `json:"isShadow"`
	Index    ruleIndex `json:"index"`
}

type wireAdd struct {
	ParentID   int       `json:"parentId"`
	NextID     *int      `json:"nextId"`
	PreviousID *int      `json:"previousId"`
	Node       *wireNode `json:"node"`
	Rule       *string   `json:"rule"`
	Index      ruleIndex `json:"index"`
}

type wirePosition struct {
	X          float64 `json:"x"`
	Y          float64 `json:"y"`
	ID         int     `json:"id"`
	TimeOffset float64 `json:"timeOffset"`
}

type wireRange struct {
	Start       int `json:"start"`
	StartOffset int `json:"startOffset"`
	End         int `json:"end"`
	EndOffset   int `json:"endOffset"`
}

type wireStyleSet struct {
	Property string  `json:"property"`
	Value    *string `json:"value"`
	Priority *string `json:"priority"`
}

type wireStyleRemove struct {
	Property string `json:"property"`
}

type wireSheet struct {
	StyleID int        `json:"styleId"`
	Rules   []wireRule `json:"rules"`
}

type wireRule struct {
	Rule  string    `json:"rule"`
	Index ruleIndex `json:"index"`
}

// ruleIndex is a CSS rule position: a number, or a path of numbers into
// nested rules. rrweb sends either form.
type ruleIndex struct {
	path []int
	list bool // the path came as an array
	set  bool
}

func (r *ruleIndex) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*r = ruleIndex{}
		return nil
	case len(b) > 0 && b[0] == '[':
		var p []int
		if err := json.Unmarshal(b, &p); err != nil {
			return err
		}
		*r = ruleIndex{path: p, list: true, set: true}
		return nil
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return errors.New("rule index is not an integer")
	}
	*r = ruleIndex{path: []int{n}, set: true}
	return nil
}

// decodeEvent parses one rrweb event. Numbers in attribute values arrive as
// float64; the gate forwards them as text or re-formats them, so a long digit
// string can only come out altered, never more revealing.
// The fast decoder puts what it can in arena a (see fastArena).
func decodeEvent(b []byte, ev *wireEvent, a *fastArena) error {
	if fastDecodeWith(b, ev, a) {
		return nil
	}
	*ev = wireEvent{}
	return json.Unmarshal(b, ev)
}

package cobrowse

// The mirror is the gate's copy of the session's node tree: ids, parents,
// children, tags and redaction state, built from full snapshots and mutations.
//
// What it remembers of the page's text is deliberately only what the gate has
// already forwarded unmasked (text, text-bearing attributes, input values of
// allowlisted, non-secret nodes). Raw text of masked nodes is never kept, so a
// heap dump or a bug cannot leak it from here. The cost: when a change makes a
// masked subtree allowlisted, its old text stays masked in the agent's view
// until the page changes it, because the gate has nothing to unmask it with.
// The other direction is complete: when a node stops being allowlisted (or
// becomes secret) the gate re-sends what it had forwarded, masked.
//
// The exception is the attributes the policy classifies on (id, class, type,
// autocomplete, the data-settle-* markers and any attribute a policy selector
// names): their raw values are kept, because selectors must see them.

type mirrorNode struct {
	parent *mirrorNode
	// Children in page order; prev/next link siblings.
	first, last, prev, next *mirrorNode

	keys  []attrKV // raw values of the attributes the policy classifies on
	clear []attrKV // text attributes last forwarded unmasked, as forwarded
	// shown is what was last forwarded unmasked of the node's own text (text
	// and CDATA nodes, flagClearText) or input value (elements, flagClearValue).
	shown string
	tag   string // lower-case tag name of elements
	id    int
	depth int32
	epoch uint32 // last reclassification pass that visited the node
	event uint32 // last event that placed the node
	kind  uint8  // serialized node type (ntElement, ntText, ...)
	flags nodeFlags
}

type attrKV struct{ name, value string }

type nodeFlags uint8

const (
	flagAllow      nodeFlags = 1 << iota // the node or an ancestor is allowlisted
	flagSecret                           // the node or an ancestor is secret
	flagEverSecret                       // the node itself was secret at some point
	flagClearText                        // shown holds forwarded text
	flagClearValue                       // shown holds a forwarded input value
	flagChecked                          // isChecked of that input value
)

// masked reports whether the node's text must be masked: anything not
// allowlisted, and anything secret even when allowlisted.
func (n *mirrorNode) masked() bool {
	return n.flags&flagAllow == 0 || n.flags&flagSecret != 0
}

func (n *mirrorNode) key(name string) (string, bool) {
	for _, kv := range n.keys {
		if kv.name == name {
			return kv.value, true
		}
	}
	return "", false
}

func (n *mirrorNode) elementParent() *mirrorNode {
	for p := n.parent; p != nil; p = p.parent {
		if p.kind == ntElement {
			return p
		}
	}
	return nil
}

// isTextLike reports whether the node holds text rather than children.
func (n *mirrorNode) isTextLike() bool {
	return n.kind == ntText || n.kind == ntCDATA || n.kind == ntComment
}

// parentTag is the tag of the parent element, "" when there is none.
func (n *mirrorNode) parentTag() string {
	if n.parent != nil && n.parent.kind == ntElement {
		return n.parent.tag
	}
	return ""
}

// Limits that keep a hostile page from making the mirror expensive: real
// documents are far below both.
const (
	maxMirrorDepth = 1024
	maxMirrorNodes = 1 << 21
)

// The mirror finds nodes by id. rrweb numbers a page's nodes from 1 up, so
// ids index a slice (dense); an id far past the ones in use, which only a
// hostile page sends, goes to a map (sparse) instead, so it cannot make the
// slice large.
type mirror struct {
	dense  []*mirrorNode
	sparse map[int]*mirrorNode
	count  int          // nodes held
	slab   []mirrorNode // nodes are allocated in blocks: a snapshot makes many
}

// reset empties the mirror, sized for about hint nodes.
func (m *mirror) reset(hint int) {
	m.dense = make([]*mirrorNode, 0, hint)
	m.sparse = nil
	m.count = 0
	m.slab = nil
}

func (m *mirror) alloc() *mirrorNode {
	if len(m.slab) == 0 {
		m.slab = make([]mirrorNode, 256)
	}
	n := &m.slab[0]
	m.slab = m.slab[1:]
	return n
}

func (m *mirror) get(id int) *mirrorNode {
	if uint(id) < uint(len(m.dense)) {
		if n := m.dense[id]; n != nil {
			return n
		}
	}
	if m.sparse != nil {
		return m.sparse[id]
	}
	return nil
}

// add records n under its id, which the mirror does not hold.
func (m *mirror) add(n *mirrorNode) {
	m.count++
	id := n.id
	if id >= 0 && id < len(m.dense) {
		m.dense[id] = n
		return
	}
	if id >= 0 && id < 2*m.count+4096 {
		m.dense = append(m.dense, make([]*mirrorNode, id+1-len(m.dense))...)
		m.dense[id] = n
		return
	}
	if m.sparse == nil {
		m.sparse = map[int]*mirrorNode{}
	}
	m.sparse[id] = n
}

// forget drops node n's id.
func (m *mirror) forget(n *mirrorNode) {
	m.count--
	if id := n.id; uint(id) < uint(len(m.dense)) && m.dense[id] == n {
		m.dense[id] = nil
		return
	}
	delete(m.sparse, n.id)
}

// all calls yield for every node held, in no particular order.
func (m *mirror) all(yield func(*mirrorNode) bool) {
	for _, n := range m.dense {
		if n != nil && !yield(n) {
			return
		}
	}
	for _, n := range m.sparse {
		if !yield(n) {
			return
		}
	}
}

// insert links n under parent before sibling before (appends when before is
// nil or not parent's child) and records its depth.
func (m *mirror) insert(n, parent, before *mirrorNode) {
	n.parent = parent
	n.depth = 0
	if parent == nil {
		return
	}
	n.depth = parent.depth + 1
	if before == nil || before.parent != parent {
		n.prev, n.next = parent.last, nil
		if parent.last != nil {
			parent.last.next = n
		} else {
			parent.first = n
		}
		parent.last = n
		return
	}
	n.prev, n.next = before.prev, before
	if before.prev != nil {
		before.prev.next = n
	} else {
		parent.first = n
	}
	before.prev = n
}

// detach unlinks n from its parent; n keeps its own subtree.
func (m *mirror) detach(n *mirrorNode) {
	p := n.parent
	if p == nil {
		return
	}
	if n.prev != nil {
		n.prev.next = n.next
	} else {
		p.first = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	} else {
		p.last = n.prev
	}
	n.parent, n.prev, n.next = nil, nil, nil
}

// remove detaches n and forgets it and all its descendants.
func (m *mirror) remove(n *mirrorNode) {
	m.detach(n)
	for d := n; d != nil; d = nextInSubtree(d, n) {
		m.forget(d)
	}
}

// nextInSubtree returns the node after d in a pre-order walk of root's
// subtree, or nil at the end. The walk needs no stack, so depth is no risk.
func nextInSubtree(d, root *mirrorNode) *mirrorNode {
	if d.first != nil {
		return d.first
	}
	for d != root {
		if d.next != nil {
			return d.next
		}
		d = d.parent
	}
	return nil
}

// nextSkippingSubtree returns the node after d's subtree in a pre-order walk
// of root's subtree, or nil at the end.
func nextSkippingSubtree(d, root *mirrorNode) *mirrorNode {
	for d != root {
		if d.next != nil {
			return d.next
		}
		d = d.parent
	}
	return nil
}

// contains reports whether n is a or one of a's descendants.
func contains(a, n *mirrorNode) bool {
	for ; n != nil; n = n.parent {
		if n == a {
			return true
		}
	}
	return false
}

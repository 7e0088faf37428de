package cobrowse

import (
	"strings"

	"github.com/settlehq/settle/internal/errs"
)

// Policy says what an agent may see of a customer's app. Everything is masked
// except elements marked data-settle-unredact or matching UnredactSelectors;
// secret elements (passwords, card fields, data-settle-secret,
// SecretSelectors) are masked even inside allowlisted ones. The same policy is
// sent to the customer SDK at session start; the gate applies it again.
type Policy struct {
	UnredactSelectors []string `json:"unredact_selectors"`
	SecretSelectors   []string `json:"secret_selectors"`
	Version           string   `json:"version"`
}

// Validate reports whether every selector is in the supported subset (see
// selector.go). The error is an *errs.Error of kind Unprocessable naming the
// field.
func (p Policy) Validate() error {
	_, err := compilePolicy(p)
	return err
}

type compiledPolicy struct {
	unredact, secret selectorList
	// selectorKeys are attribute names the selectors test beyond the ones the
	// gate always keeps (see isKeyAttr).
	selectorKeys map[string]bool
	// ancestorKeys are the attribute names a selector tests on an ancestor
	// (any compound left of a combinator, as in ".open .x" or "[data-a] > p").
	// Only a change to one of these can change how a selector matches a
	// node's descendants; any other change reaches them only through the
	// state they inherit (see reclassify).
	ancestorKeys map[string]bool
}

func compilePolicy(p Policy) (*compiledPolicy, error) {
	c := &compiledPolicy{selectorKeys: map[string]bool{}, ancestorKeys: map[string]bool{}}
	var err error
	if c.unredact, err = compileSelectors("unredact_selectors", p.UnredactSelectors); err != nil {
		return nil, err
	}
	if c.secret, err = compileSelectors("secret_selectors", p.SecretSelectors); err != nil {
		return nil, err
	}
	for _, l := range []selectorList{c.unredact, c.secret} {
		for _, sel := range l {
			for i, comp := range sel {
				for _, cond := range comp.conds {
					if !isBuiltinKey(cond.name) {
						c.selectorKeys[cond.name] = true
					}
					if i < len(sel)-1 {
						c.ancestorKeys[cond.name] = true
					}
				}
			}
		}
	}
	return c, nil
}

func compileSelectors(field string, sels []string) (selectorList, error) {
	var all selectorList
	for i, s := range sels {
		l, err := parseSelectorList(s)
		if err != nil {
			return nil, errs.Invalidf(field, "selector %d (%q) is not supported: %v", i, s, err)
		}
		all = append(all, l...)
	}
	return all, nil
}

// isBuiltinKey lists the attributes the gate classifies on whatever the policy.
func isBuiltinKey(name string) bool {
	switch name {
	case "id", "class", "type", "autocomplete", "data-settle-unredact", "data-settle-secret",
		"data-rr-is-password":
		return true
	}
	return false
}

func (c *compiledPolicy) isKeyAttr(lname string) bool {
	return isBuiltinKey(lname) || c.selectorKeys[lname]
}

// ownState classifies element n on its own attributes and the selectors
// (which may look at its ancestors).
func (c *compiledPolicy) ownState(n *mirrorNode) (allow, secret bool) {
	if n.kind != ntElement {
		return false, false
	}
	_, marked := n.key("data-settle-unredact")
	allow = marked || c.unredact.match(n)
	secret = n.flags&flagEverSecret != 0 || isSecretElement(n) || c.secret.match(n)
	return allow, secret
}

// isSecretElement applies the rules no policy can turn off: password fields
// (also after a "show password" toggle, which rrweb marks with
// data-rr-is-password), hidden inputs (never shown, often tokens), card and
// one-time-code autocomplete fields, and data-settle-secret.
func isSecretElement(n *mirrorNode) bool {
	if _, ok := n.key("data-settle-secret"); ok {
		return true
	}
	if _, ok := n.key("data-rr-is-password"); ok {
		return true
	}
	if n.tag == "input" {
		t, _ := n.key("type")
		switch lowerASCII(strings.TrimSpace(t)) {
		case "password", "hidden":
			return true
		}
	}
	ac, _ := n.key("autocomplete")
	for _, tok := range strings.Fields(lowerASCII(ac)) {
		if strings.HasPrefix(tok, "cc-") || tok == "one-time-code" ||
			tok == "current-password" || tok == "new-password" {
			return true
		}
	}
	return false
}

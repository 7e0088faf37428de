package nlu

import (
	"regexp"
	"strings"
)

// Order references: "#100234", "order 55120", "order #58821", "order no. 123",
// "order number 12004", "order ref 7731-AX", "order NOR-JACKET-1". A bare
// "#3" or "order 2" is a count, not a reference, so a reference needs three
// or more characters and a digit. Case and claim numbers ("case D-20931") are
// not order references.
var (
	reOrderWord = regexp.MustCompile(`(?i)\border\s*(?:(?:(?:no|num|number|ref|reference|id)\b\.?|#)\s*:?\s*)?#?\s*([A-Z0-9][A-Z0-9-]*[A-Z0-9])\b`)
	reHashRef   = regexp.MustCompile(`#\s?([A-Z0-9][A-Z0-9-]{2,})\b`)
)

// findOrderRef returns the first order reference in text, as written minus
// its "#" (letters upper-cased), or "".
func findOrderRef(text string) string {
	for _, m := range reOrderWord.FindAllStringSubmatch(text, -1) {
		if ref := m[1]; plausibleRef(ref) {
			return strings.ToUpper(ref)
		}
	}
	upper := strings.ToUpper(text)
	for _, m := range reHashRef.FindAllStringSubmatch(upper, -1) {
		if plausibleRef(m[1]) {
			return m[1]
		}
	}
	return ""
}

func plausibleRef(ref string) bool {
	digits, letters := 0, 0
	for _, r := range ref {
		switch {
		case '0' <= r && r <= '9':
			digits++
		case r != '-':
			letters++
		}
	}
	if letters == 0 {
		return digits >= 3 // "2-3" is a range of days, "100234" an order
	}
	return digits > 0 && len(ref) >= 3
}

// refInText finds one of the customer's own order references written
// anywhere in the text, with or without "order" before it: customers paste
// them bare.
func refInText(text string, orders []Order) (Order, bool) {
	up := " " + strings.ToUpper(foldSeparators(text)) + " "
	for _, o := range orders {
		for _, ref := range []string{o.MerchantRef, o.ID} {
			if len(ref) < 3 {
				continue
			}
			if strings.Contains(up, " "+strings.ToUpper(foldSeparators(ref))+" ") {
				return o, true
			}
		}
	}
	return Order{}, false
}

// foldSeparators turns everything but letters, digits and '-' into spaces.
func foldSeparators(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
			return r
		}
		return ' '
	}, s)
}

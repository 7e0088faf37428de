package nlu

import (
	"regexp"
	"strings"
)

// Redact masks card numbers (Luhn-valid, 13–19 digits, with or without
// spaces or dashes), CVCs named as such, IBANs (mod-97 valid), email
// addresses and phone numbers, keeping everything else — amounts, dates and
// order numbers included — so the text still reads. The conversation layer
// calls it before a message is stored or sent to a model; card numbers keep
// their last four digits, which identify a card without exposing it.
func Redact(text string) string {
	text = redactIBANs(text) // first: an IBAN's digits can pass Luhn by chance
	text = redactCards(text)
	text = reCVC.ReplaceAllString(text, "${1}[cvc]")
	text = reEmail.ReplaceAllString(text, "[email]")
	return redactPhones(text)
}

var (
	reDigitRun = regexp.MustCompile(`\d(?:[ -]?\d){12,}`)
	reCVC      = regexp.MustCompile(`(?i)(\b(?:cvc2?|cvv2?|cid|csc|security code|sec code|card code)\b\s*(?:number|no\.?|code)?\s*(?:is|was|=|:|-)?\s*)\d{3,4}\b`)
	reEmail    = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	reIBANRun  = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}`)
	rePhoneRun = regexp.MustCompile(`(?:\+\s?)?\(?\d[\d\s().\-]{6,}\d`)
)

// redactCards masks, within every run of digits and single separators, the
// longest stretch of whole digit groups that is a Luhn-valid card number, so
// "4111 1111 1111 1111 123" loses the card and keeps the stray "123".
func redactCards(text string) string {
	return reDigitRun.ReplaceAllStringFunc(text, func(run string) string {
		groups := strings.FieldsFunc(run, func(r rune) bool { return r == ' ' || r == '-' })
		for n := len(groups); n > 0; n-- {
			for i := 0; i+n <= len(groups); i++ {
				digits := strings.Join(groups[i:i+n], "")
				if len(digits) >= 13 && len(digits) <= 19 && luhn(digits) {
					return rebuild(run, groups, i, i+n, "[card ****"+digits[len(digits)-4:]+"]")
				}
			}
		}
		return run
	})
}

// rebuild replaces groups[i:j] of run with mask, keeping the separators and
// groups around them.
func rebuild(run string, groups []string, i, j int, mask string) string {
	start, pos := 0, 0
	for k, g := range groups {
		idx := strings.Index(run[pos:], g) + pos
		if k == i {
			start = idx
		}
		pos = idx + len(g)
		if k == j-1 {
			return run[:start] + mask + run[pos:]
		}
	}
	return run
}

func luhn(digits string) bool {
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// redactIBANs masks the longest prefix of each IBAN-shaped run that passes
// the mod-97 check (a run may swallow a following word in capitals).
func redactIBANs(text string) string {
	return reIBANRun.ReplaceAllStringFunc(text, func(run string) string {
		for end := len(run); end >= 15; end-- {
			cand := strings.TrimRight(run[:end], " ")
			if len(cand) != end {
				continue
			}
			if ibanValid(strings.ReplaceAll(cand, " ", "")) {
				return "[iban]" + run[end:]
			}
		}
		return run
	})
}

// ibanValid is ISO 13616's check: move the first four characters to the
// end, read letters as 10–35, and the number must be 1 mod 97.
func ibanValid(iban string) bool {
	if len(iban) < 15 || len(iban) > 34 {
		return false
	}
	rem := 0
	for _, c := range iban[4:] + iban[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// redactPhones masks digit runs shaped like phone numbers: 10 to 15 digits,
// or 8 or more after a "+". Runs with a decimal point and two decimals
// (amounts), dates, and numbers introduced as an order, reference or case are
// left alone.
func redactPhones(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range rePhoneRun.FindAllStringIndex(text, -1) {
		run := text[m[0]:m[1]]
		if !phoneShaped(run) || introducedAsReference(text[:m[0]]) || glued(text, m[0], m[1]) {
			continue
		}
		b.WriteString(text[last:m[0]])
		b.WriteString("[phone]")
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// glued reports whether text[start:end] is part of a longer word, like the
// digits of "GB00WEST12345698765432".
func glued(text string, start, end int) bool {
	return (start > 0 && isAlnumByte(text[start-1])) || (end < len(text) && isAlnumByte(text[end]))
}

func isAlnumByte(c byte) bool { return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'z') }

var reDecimalAmount = regexp.MustCompile(`\d\.\d{2}(?:\D|$)`)
var reDateLike = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$`)

func phoneShaped(run string) bool {
	digits := 0
	for _, r := range run {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if reDecimalAmount.MatchString(run) || reDateLike.MatchString(strings.TrimSpace(run)) {
		return false
	}
	if strings.HasPrefix(run, "+") {
		return digits >= 8 && digits <= 15
	}
	return digits >= 10 && digits <= 15
}

var reReference = regexp.MustCompile(`(?i)(#|\b(?:order|ref|reference|case|ticket|invoice|tracking|confirmation|booking|account)\s*(?:number|no\.?|#|id|ref)?\s*[:#]?)\s*$`)

func introducedAsReference(before string) bool {
	return reReference.MatchString(before)
}

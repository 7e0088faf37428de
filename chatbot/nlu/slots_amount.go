package nlu

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Amounts: "$49.99", "£1,200", "€45", "45€", "USD 50", "50 usd", "50 bucks",
// "20 quid", "£1.2k", and a bare "89.00" (two decimals read as money, a bare
// "89" does not: it is as likely a count or a day). Percentages, order
// numbers and dates are left alone.
var (
	amountNum     = `(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(k\b)?`
	reSymbolFirst = regexp.MustCompile(`([$£€])\s?` + amountNum)
	reCodeFirst   = regexp.MustCompile(`(?i)\b(usd|gbp|eur|cad|aud|nzd|chf|sek|nok|dkk)\s?` + amountNum)
	reUnitAfter   = regexp.MustCompile(`(?i)\b` + amountNum + `\s?(usd|gbp|eur|cad|aud|nzd|chf|sek|nok|dkk|dollars?|bucks|quid|pounds?|euros?|€|£)(?:\b|$|\s)`)
	reBareDecimal = regexp.MustCompile(`(?:^|[^\d.,/#:-])(\d+\.\d{2})(?:$|[^\d.%/:])`)
)

var currencyWords = map[string]string{
	"$": "USD", "£": "GBP", "€": "EUR", "dollar": "USD", "dollars": "USD", "bucks": "USD",
	"quid": "GBP", "pound": "GBP", "pounds": "GBP", "euro": "EUR", "euros": "EUR",
}

// minorDigits are the decimals of currencies whose minor unit is not 1/100.
var minorDigits = map[string]int{"JPY": 0, "KRW": 0, "ISK": 0}

type amountMatch struct {
	start, end int
	money      Money
}

// findAmounts returns the amounts in text in order of mention. A "$" is
// read as the customer's own dollar (CAD, AUD, NZD) when defaultCurrency is
// one, else as USD.
func findAmounts(text, defaultCurrency string) []Money {
	var ms []amountMatch
	if !strings.ContainsAny(text, "0123456789") {
		return nil
	}
	for _, m := range reSymbolFirst.FindAllStringSubmatchIndex(text, -1) {
		ms = addAmount(ms, m[0], m[1], text[m[2]:m[3]], text[m[4]:m[5]], group(text, m, 6), defaultCurrency)
	}
	for _, m := range reCodeFirst.FindAllStringSubmatchIndex(text, -1) {
		ms = addAmount(ms, m[0], m[1], text[m[2]:m[3]], text[m[4]:m[5]], group(text, m, 6), defaultCurrency)
	}
	for _, m := range reUnitAfter.FindAllStringSubmatchIndex(text, -1) {
		ms = addAmount(ms, m[0], m[1], text[m[6]:m[7]], text[m[2]:m[3]], group(text, m, 4), defaultCurrency)
	}
	for _, m := range reBareDecimal.FindAllStringSubmatchIndex(text, -1) {
		ms = addAmount(ms, m[2], m[3], "", text[m[2]:m[3]], "", defaultCurrency)
	}
	slices.SortFunc(ms, func(a, b amountMatch) int { return a.start - b.start })
	out := make([]Money, len(ms))
	for i, m := range ms {
		out[i] = m.money
	}
	return out
}

func group(text string, m []int, i int) string {
	if m[i] < 0 {
		return ""
	}
	return text[m[i]:m[i+1]]
}

// addAmount appends one match unless it overlaps one already found (the
// symbol-first form wins over a bare decimal inside it).
func addAmount(ms []amountMatch, start, end int, cur, num, kilo, defaultCurrency string) []amountMatch {
	for _, m := range ms {
		if start < m.end && m.start < end {
			return ms
		}
	}
	code := currencyCode(cur, defaultCurrency)
	minor, ok := toMinor(num, kilo != "", code)
	if !ok {
		return ms
	}
	return append(ms, amountMatch{start: start, end: end, money: Money{Amount: minor, Currency: code}})
}

func currencyCode(cur, defaultCurrency string) string {
	lc := strings.ToLower(cur)
	if lc == "" {
		return ""
	}
	if lc == "$" && slices.Contains([]string{"CAD", "AUD", "NZD"}, defaultCurrency) {
		return defaultCurrency
	}
	if code, ok := currencyWords[lc]; ok {
		return code
	}
	return strings.ToUpper(lc)
}

// toMinor converts "1,200.50" to minor units of code without going through a
// float, so 0.1 + 0.2 never costs anyone a cent.
func toMinor(num string, kilo bool, code string) (int64, bool) {
	num = strings.ReplaceAll(num, ",", "")
	whole, frac, _ := strings.Cut(num, ".")
	digits, ok := minorDigits[code]
	if !ok {
		digits = 2
	}
	if kilo {
		frac += "000"
		whole, frac = whole+frac[:3], frac[3:]
	}
	frac = (frac + strings.Repeat("0", digits))[:digits]
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || len(whole) > 12 {
		return 0, false
	}
	return v, true
}

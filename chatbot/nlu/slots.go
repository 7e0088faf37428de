package nlu

import (
	"regexp"
	"slices"
	"strings"
)

// extractSlots pulls the facts out of text with rules (no model): they must
// be exact, and a rule that misses is visible, where a model that guesses is
// not.
func extractSlots(text string, c Context) Slots {
	s := Slots{OrderRef: findOrderRef(text), Dates: findDates(text, c.Now)}
	s.Amounts = findAmounts(text, c.Currency)
	if len(s.Amounts) > 0 {
		s.Amount, s.Currency = s.Amounts[0].Amount, s.Amounts[0].Currency
		if s.Currency == "" {
			s.Currency = c.Currency
		}
	}
	s.Merchant = quotedDescriptor(text)
	if len(c.Orders) > 0 {
		matchOrders(text, &s, c.Orders)
	}
	return s
}

// A quoted, upper-case string is how customers paste a statement descriptor
// they do not recognise: "SQ *BLUEMOON LLC", 'PP*LUMIO'.
var reDescriptor = regexp.MustCompile(`["“'‘]([A-Z0-9][A-Z0-9 *.&\-]{2,40})["”'’]`)

func quotedDescriptor(text string) string {
	if m := reDescriptor.FindStringSubmatch(text); m != nil && strings.ContainsAny(m[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// orderScore is how strongly a message points at one order.
type orderScore struct {
	order    Order
	score    int
	merchant bool
	item     string
}

// matchOrders scores each of the customer's orders against the message — an
// exact reference outweighs a merchant or an item, which outweigh an amount
// or a date — and resolves to one order only when one scores highest.
func matchOrders(text string, s *Slots, orders []Order) {
	if o, ok := refInText(text, orders); ok {
		s.OrderID, s.Merchant = o.ID, o.Merchant
		if s.OrderRef == "" {
			s.OrderRef = strings.ToUpper(o.MerchantRef)
		}
		return
	}
	stems := stemSet(text)
	var scored []orderScore
	for _, o := range orders {
		sc := orderScore{order: o}
		if s.OrderRef != "" && (strings.EqualFold(s.OrderRef, o.MerchantRef) || strings.EqualFold(s.OrderRef, o.ID)) {
			sc.score += 8
		}
		if mentionsMerchant(text, stems, o.Merchant) {
			sc.score, sc.merchant = sc.score+4, true
		}
		if item := mentionedItem(stems, o.Items); item != "" {
			sc.score, sc.item = sc.score+4, item
		}
		sc.score += amountScore(s.Amounts, o) + dateScore(s.Dates, o)
		if sc.score > 0 {
			scored = append(scored, sc)
		}
	}
	resolve(s, scored)
}

func resolve(s *Slots, scored []orderScore) {
	if len(scored) == 0 {
		return
	}
	slices.SortStableFunc(scored, func(a, b orderScore) int { return b.score - a.score })
	best := scored[0]
	if best.merchant {
		s.Merchant = best.order.Merchant
	}
	if best.item != "" {
		s.Item = best.item
	}
	if len(scored) == 1 || scored[1].score < best.score {
		s.OrderID = best.order.ID
		return
	}
	for _, sc := range scored {
		if sc.score == best.score {
			s.Candidates = append(s.Candidates, sc.order.ID)
		}
	}
}

// mentionsMerchant: every significant word of the merchant's name appears
// in the message (stemmed, one typo allowed in words of five letters or
// more), or the name does with its spaces removed ("boohoo", "H&M" → "hm").
func mentionsMerchant(text string, stems map[string]bool, merchant string) bool {
	words := significantWords(merchant)
	if len(words) == 0 {
		return false
	}
	squashed := squash(merchant)
	if len(squashed) >= 2 && slices.Contains(strings.Fields(squashText(text)), squashed) {
		return true
	}
	for _, w := range words {
		if !fuzzyContains(stems, stem(w)) {
			return false
		}
	}
	return true
}

// mentionedItem returns the first order item the message names: all of the
// item's significant words, or its head noun (the last word: "Trail Running
// Shoes" → "shoes"), or a synonym of the head noun ("trainers").
func mentionedItem(stems map[string]bool, items []string) string {
	for _, it := range items {
		words := significantWords(it)
		if len(words) == 0 {
			continue
		}
		head := stem(words[len(words)-1])
		if fuzzyContains(stems, head) {
			return it
		}
		for _, syn := range itemSynonyms[head] {
			if stems[syn] {
				return it
			}
		}
	}
	return ""
}

// itemSynonyms maps an item's head noun (stemmed) to what customers also
// call it.
var itemSynonyms = func() map[string][]string {
	groups := [][]string{
		{"shoes", "trainers", "sneakers", "boots", "runners", "kicks"},
		{"sofa", "couch", "settee"},
		{"tv", "telly", "television"},
		{"phone", "mobile", "iphone", "smartphone"},
		{"headphones", "earbuds", "earphones", "airpods", "headset"},
		{"jacket", "coat", "parka"},
		{"laptop", "notebook", "computer", "macbook"},
		{"trousers", "pants", "jeans"},
		{"top", "shirt", "tshirt", "tee", "blouse"},
		{"jumper", "sweater", "hoodie", "sweatshirt"},
		{"bag", "handbag", "purse", "backpack"},
	}
	out := map[string][]string{}
	for _, g := range groups {
		for _, a := range g {
			for _, b := range g {
				if a != b {
					out[stem(a)] = append(out[stem(a)], stem(b))
				}
			}
		}
	}
	return out
}()

func amountScore(amounts []Money, o Order) int {
	for _, a := range amounts {
		if a.Currency != "" && o.Currency != "" && !strings.EqualFold(a.Currency, o.Currency) {
			continue
		}
		// the whole order, or one of four installments
		if a.Amount == o.Amount || (o.Amount > 0 && a.Amount*4 >= o.Amount-3 && a.Amount*4 <= o.Amount+3) {
			return 2
		}
	}
	return 0
}

func dateScore(dates []string, o Order) int {
	if o.CapturedAt.IsZero() {
		return 0
	}
	if slices.Contains(dates, o.CapturedAt.Format("2006-01-02")) {
		return 1
	}
	return 0
}

var stopwords = map[string]bool{"the": true, "and": true, "of": true, "a": true, "an": true, "for": true,
	"co": true, "ltd": true, "inc": true, "llc": true, "store": true, "shop": true, "x": true, "with": true}

func significantWords(name string) []string {
	var out []string
	for _, t := range tokenize(name) {
		if t.word != boundary && !stopwords[t.word] && !isNumberWord(t.word) {
			out = append(out, t.word)
		}
	}
	return out
}

func stemSet(text string) map[string]bool {
	out := map[string]bool{}
	for _, t := range tokenize(text) {
		out[t.stem] = true
	}
	return out
}

// fuzzyContains finds w in stems exactly or, for words of five letters or
// more, within one edit ("adiddas", "zalandoo").
func fuzzyContains(stems map[string]bool, w string) bool {
	if stems[w] {
		return true
	}
	if len(w) < 5 {
		return false
	}
	for s := range stems {
		if withinOneEdit(s, w) {
			return true
		}
	}
	return false
}

func withinOneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i, j, edits := 0, 0, 0
	for i < len(a) && j < len(b) {
		if a[i] == b[j] {
			i, j = i+1, j+1
			continue
		}
		edits++
		if edits > 1 {
			return false
		}
		if len(a) == len(b) {
			i++
		}
		j++
	}
	return edits+(len(b)-j)+(len(a)-i) <= 1
}

func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// squashText squashes each whitespace-separated word of text.
func squashText(text string) string {
	fs := strings.Fields(text)
	for i, f := range fs {
		fs[i] = squash(f)
	}
	return strings.Join(fs, " ")
}

package nlu

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Dates are resolved against a reference time the caller passes in
// (Context.Now), never the clock. A date without a year, or a bare "the
// 20th", is taken as the most recent such day on or before the reference:
// customers date what already happened (the order, the delivery, the
// return). Relative dates need a reference; without one they are skipped.

const monthNames = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`
const weekdayNames = `(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)`
const countWords = `(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of|couple of|a couple)`

// A dateRule runs only on text containing one of needs:
// most messages name no date, and a dozen regular expressions per message
// would be most of the time a turn takes.
type dateRule struct {
	needs   []string
	re      *regexp.Regexp
	resolve func(m []string, now time.Time) (time.Time, bool)
}

const monthPrefixes = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"

var dateRules = []dateRule{
	{when("-"), regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`), resolveISO},
	{when(monthPrefixes), regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthNames + `\b(?:,?\s+(\d{4}))?`), resolveDayMonth},
	{when(monthPrefixes), regexp.MustCompile(`\b` + monthNames + `\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?`), resolveMonthDay},
	{when("mid"), regexp.MustCompile(`\bmid[- ]?` + monthNames + `\b`), resolveMidMonth},
	{when("/"), regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b`), resolveSlashed},
	{when("st|nd|rd|th"), regexp.MustCompile(`\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b`), resolveDayOfMonth},
	{when("day before"), regexp.MustCompile(`\bday before yesterday\b`), offsetDays(-2)},
	{when("yesterday|last night"), regexp.MustCompile(`\b(?:yesterday|last night)\b`), offsetDays(-1)},
	{when("today|this morning|this afternoon|this evening|tonight"), regexp.MustCompile(`\b(?:today|this morning|this afternoon|this evening|tonight)\b`), offsetDays(0)},
	{when("tomorrow"), regexp.MustCompile(`\btomorrow\b`), offsetDays(1)},
	{when("ago"), regexp.MustCompile(`\b` + countWords + `\s+(day|week|month|year)s?\s+ago\b`), resolveAgo},
	{when("last"), regexp.MustCompile(`\blast\s+(week|month)\b`), resolveLastPeriod},
	{when("mon|tue|wed|thu|fri|sat|sun"), regexp.MustCompile(`\b(last|next|this past|on|this)?\s*` + weekdayNames + `\b`), resolveWeekday},
}

// findDates returns the dates text mentions as YYYY-MM-DD, in order of
// mention, each once.
func findDates(text string, now time.Time) []string {
	lower := strings.ToLower(text)
	type hit struct {
		start, end int
		date       string
	}
	var hits []hit
	for _, r := range dateRules {
		if !triggered(lower, r.needs) {
			continue
		}
		for _, ix := range r.re.FindAllStringSubmatchIndex(lower, -1) {
			if overlaps(hits, ix[0], ix[1], func(h hit) (int, int) { return h.start, h.end }) {
				continue
			}
			m := submatches(lower, ix)
			if t, ok := r.resolve(m, now); ok {
				hits = append(hits, hit{ix[0], ix[1], t.Format(time.DateOnly)})
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.start - b.start })
	var out []string
	for _, h := range hits {
		if !slices.Contains(out, h.date) {
			out = append(out, h.date)
		}
	}
	return out
}

func overlaps[T any](hs []T, start, end int, span func(T) (int, int)) bool {
	for _, h := range hs {
		s, e := span(h)
		if start < e && s < end {
			return true
		}
	}
	return false
}

func submatches(s string, ix []int) []string {
	m := make([]string, len(ix)/2)
	for i := range m {
		if ix[2*i] >= 0 {
			m[i] = s[ix[2*i]:ix[2*i+1]]
		}
	}
	return m
}

func resolveISO(m []string, _ time.Time) (time.Time, bool) {
	return makeDate(atoi(m[1]), atoi(m[2]), atoi(m[3]), time.UTC)
}

func resolveDayMonth(m []string, now time.Time) (time.Time, bool) {
	return withYear(atoi(m[1]), monthNumber(m[2]), m[3], now)
}

func resolveMonthDay(m []string, now time.Time) (time.Time, bool) {
	return withYear(atoi(m[2]), monthNumber(m[1]), m[3], now)
}

func resolveMidMonth(m []string, now time.Time) (time.Time, bool) {
	return withYear(15, monthNumber(m[1]), "", now)
}

// resolveSlashed reads a/b as day/month, unless that is impossible and
// month/day is not ("12/25"). Where both readings are possible the customer's
// market decides; the NLU does not know it, so it keeps day/month, the
// reading of most markets Settle serves, and the dialogue confirms the date.
func resolveSlashed(m []string, now time.Time) (time.Time, bool) {
	a, b := atoi(m[1]), atoi(m[2])
	day, month := a, b
	if month > 12 && day <= 12 {
		day, month = b, a
	}
	year := m[3]
	if len(year) == 2 {
		year = "20" + year
	}
	return withYear(day, month, year, now)
}

func resolveDayOfMonth(m []string, now time.Time) (time.Time, bool) {
	if now.IsZero() {
		return time.Time{}, false
	}
	day := atoi(m[1])
	t, ok := makeDate(now.Year(), int(now.Month()), day, now.Location())
	if ok && !t.After(now) {
		return t, true
	}
	prev := now.AddDate(0, 0, -now.Day()) // the last day of the previous month
	return makeDate(prev.Year(), int(prev.Month()), day, now.Location())
}

func offsetDays(days int) func([]string, time.Time) (time.Time, bool) {
	return func(_ []string, now time.Time) (time.Time, bool) {
		if now.IsZero() {
			return time.Time{}, false
		}
		return dateOf(now).AddDate(0, 0, days), true
	}
}

func resolveAgo(m []string, now time.Time) (time.Time, bool) {
	if now.IsZero() {
		return time.Time{}, false
	}
	n := countValue(m[1])
	switch m[2] {
	case "day":
		return dateOf(now).AddDate(0, 0, -n), true
	case "week":
		return dateOf(now).AddDate(0, 0, -7*n), true
	case "month":
		return dateOf(now).AddDate(0, -n, 0), true
	default:
		return dateOf(now).AddDate(-n, 0, 0), true
	}
}

func resolveLastPeriod(m []string, now time.Time) (time.Time, bool) {
	if now.IsZero() {
		return time.Time{}, false
	}
	if m[1] == "week" {
		return dateOf(now).AddDate(0, 0, -7), true
	}
	return dateOf(now).AddDate(0, -1, 0), true
}

// resolveWeekday: "last Tuesday" is the latest Tuesday before today; a bare
// or "on" Tuesday may be today; "next Tuesday" is the first one after today.
func resolveWeekday(m []string, now time.Time) (time.Time, bool) {
	if now.IsZero() {
		return time.Time{}, false
	}
	wd, ok := weekdayNumber(m[2])
	if !ok || (m[1] == "" && len(m[2]) <= 3) { // a bare "sat" or "sun" is too often not a day
		return time.Time{}, false
	}
	today := dateOf(now)
	back := (int(today.Weekday()) - wd + 7) % 7
	switch m[1] {
	case "next":
		return today.AddDate(0, 0, 7-back), true
	case "last", "this past":
		if back == 0 {
			back = 7
		}
	}
	return today.AddDate(0, 0, -back), true
}

// withYear builds day/month in the given year, or else in the latest year
// that does not put it after now.
func withYear(day, month int, year string, now time.Time) (time.Time, bool) {
	if year != "" {
		return makeDate(atoi(year), month, day, time.UTC)
	}
	if now.IsZero() {
		return time.Time{}, false
	}
	t, ok := makeDate(now.Year(), month, day, now.Location())
	if ok && t.After(now) {
		t, ok = makeDate(now.Year()-1, month, day, now.Location())
	}
	return t, ok
}

// makeDate rejects impossible dates (31 April) instead of normalising them.
func makeDate(year, month, day int, loc *time.Location) (time.Time, bool) {
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, loc)
	return t, t.Day() == day
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func monthNumber(s string) int {
	months := []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	return slices.Index(months, s[:3]) + 1
}

func weekdayNumber(s string) (int, bool) {
	days := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	i := slices.Index(days, s[:3])
	return i, i >= 0
}

func countValue(s string) int {
	words := map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
		"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
	if n, ok := words[s]; ok {
		return n
	}
	if strings.Contains(s, "couple") {
		return 2
	}
	return atoi(s)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

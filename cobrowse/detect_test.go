package cobrowse

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedactDetected(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		// Cards.
		{"visa with spaces is masked", "Card 4111 1111 1111 1111 ok", "Card **** **** **** **** ok"},
		{"mastercard with dashes is masked", "5555-5555-5555-4444", "*******************"},
		{"contiguous card is masked", "pan=4242424242424242;", "pan=****************;"},
		{"amex 4-6-5 is masked", "3782 822463 10005", "**** ****** *****"},
		{"19-digit card is masked", "6222020000000000000", "*******************"},
		{"card after other numbers is masked", "ref 12 4111 1111 1111 1111", "ref 12 **** **** **** ****"},
		{"card with no-break spaces is masked", "4111\u00a01111\u00a01111\u00a01111", "****\u00a0****\u00a0****\u00a0****"},
		{"card inside hash is masked", "#4111111111111111", "#****************"},
		{"non-Luhn 16 digits are kept", "4111 1111 1111 1112", "4111 1111 1111 1112"},
		{"12 digits are kept", "4111 1111 1111", "4111 1111 1111"},
		{"20 contiguous digits are kept", "41111111111111111110", "41111111111111111110"},
		// IBANs.
		{"spaced IBAN is masked", "IBAN GB82 WEST 1234 5698 7654 32.", "IBAN **** **** **** **** **** **."},
		{"compact IBAN is masked", "DE89370400440532013000", "**********************"},
		{"lower-case IBAN is masked", "nl91abna0417164300", "******************"},
		{"IBAN with a bad check is kept", "GB83 WEST 1234 5698 7654 32", "GB83 WEST 1234 5698 7654 32"},
		{"IBAN followed by words is masked", "FR1420041010050500013M02606 please", "*************************** please"},
		// Emails.
		{"email is masked", "mail jane.doe+x@example.co.uk now", "mail ************************ now"},
		{"email in mailto is masked", "mailto:jane@example.com", "mailto:****************"},
		{"retina file name is kept", "logo@2x.png", "logo@2x.png"},
		{"css at-rule is kept", "@media (max-width: 600px)", "@media (max-width: 600px)"},
		{"handle is kept", "@jane", "@jane"},
		{"email without tld is kept", "root@localhost", "root@localhost"},
		// Phones.
		{"international phone is masked", "call +44 20 7946 0958.", "call *** ** **** ****."},
		{"compact international phone is masked", "+4915112345678", "**************"},
		{"international with trunk zero is masked", "+44 (0)20 7946 0958", "*** ***** **** ****"},
		{"us phone with parens is masked", "(415) 555-0123", "***** ********"},
		{"us phone with dashes is masked", "tel 415-555-0123", "tel ************"},
		{"us phone with dots is masked", "415.555.0123", "************"},
		{"us phone with country code is masked", "1 415 555 0123", "* *** *** ****"},
		{"uk landline is masked", "020 7946 0958", "*** **** ****"},
		{"uk mobile is masked", "07700 900123", "***** ******"},
		{"compact uk mobile is masked", "07700900123", "***********"},
		{"phone after a number is masked", "ref 12 415-555-0123", "ref 12 ************"},
		// Things that must survive.
		{"amount is kept", "Total $1,234.56 due", "Total $1,234.56 due"},
		{"big amount is kept", "€1.234.567,89", "€1.234.567,89"},
		{"iso date is kept", "Placed 2026-11-22 at 10:30", "Placed 2026-11-22 at 10:30"},
		{"us date is kept", "11/22/2026", "11/22/2026"},
		{"order number is kept", "Order #100234", "Order #100234"},
		{"long order number is kept", "Order 1234567890", "Order 1234567890"},
		{"unix time is kept", "1732233600", "1732233600"},
		{"tracking number is kept", "1Z999AA10123456784", "1Z999AA10123456784"},
		{"ip address is kept", "192.168.100.200", "192.168.100.200"},
		{"version is kept", "v10.0.19045", "v10.0.19045"},
		{"short number is kept", "Qty 3, 12 items", "Qty 3, 12 items"},
		{"date range is kept", "2026-11-22 - 2026-12-22", "2026-11-22 - 2026-12-22"},
		{"css numbers are kept", "margin: 0 10px 20px 30px; z-index: 1000", "margin: 0 10px 20px 30px; z-index: 1000"},
		{"uk-looking order ref is kept", "0123 4567 89", "0123 4567 89"},
		{"empty is kept", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redactDetected(tt.in); got != tt.want {
				t.Errorf("redactDetected(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"letters become stars", "Jane Doe", "**** ***"},
		{"whitespace is kept", " a\tb\nc ", " *\t*\n* "},
		{"each rune becomes one star", "Zoë 😀", "*** *"},
		{"no-break space is kept", "a\u00a0b", "*\u00a0*"},
		{"masked text is unchanged", "** **", "** **"},
		{"empty stays empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := maskText(tt.in); got != tt.want {
				t.Errorf("maskText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Masking after the detectors must equal masking the original: the mirror
// relies on it to re-mask what it forwarded.
func TestMaskAfterDetectIsMask(t *testing.T) {
	for _, s := range []string{"Card 4111 1111 1111 1111", "jane@example.com", "+44 20 7946 0958", "Zoë"} {
		if maskText(redactDetected(s)) != maskText(s) {
			t.Errorf("mask(detect(%q)) != mask(%q)", s, s)
		}
	}
}

func TestLuhnValid(t *testing.T) {
	tests := []struct {
		digits string
		want   bool
	}{
		{"4111111111111111", true},
		{"4111111111111112", false},
		{"378282246310005", true},
		{"0000000000000", true},
		{"79927398713", true},
		{"79927398710", false},
	}
	for _, tt := range tests {
		if got := luhnValid([]byte(tt.digits)); got != tt.want {
			t.Errorf("luhnValid(%s) = %v, want %v", tt.digits, got, tt.want)
		}
	}
}

// Every scanner must stay linear on hostile input: the page controls it. The
// inputs are large enough that quadratic work would run for minutes and hit the
// test timeout; BenchmarkDetectorsOnPathologicalInput measures the speed.
// (No wall-clock assertion here: the machines are shared and noisy.)
func TestDetectorsOnPathologicalInput(t *testing.T) {
	for name, s := range pathologicalInputs() {
		t.Run(name+" finishes", func(t *testing.T) {
			if out := redactDetected(s); len([]rune(out)) != len([]rune(s)) {
				t.Errorf("redaction changed the length of %s", name)
			}
			sanitizeCSS(s)
		})
	}
}

func BenchmarkDetectorsOnPathologicalInput(b *testing.B) {
	for name, s := range pathologicalInputs() {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				redactDetected(s)
				sanitizeCSS(s)
			}
		})
	}
}

func pathologicalInputs() map[string]string {
	const n = 1 << 18 // quadratic work on this would take minutes
	inputs := map[string]string{
		"dotted domain":     "x@" + strings.Repeat("a.", n/2) + "1",
		"many ats":          strings.Repeat("a@", n/2),
		"digit groups":      strings.Repeat("1 ", n/2),
		"dash groups":       strings.Repeat("12-", n/3),
		"phone separators":  strings.Repeat("(1) ", n/4),
		"iban-like":         strings.Repeat("AB12 ", n/5),
		"long digits":       strings.Repeat("7", n),
		"no-break groups":   strings.Repeat("1\u00a0", n/3),
		"css comments":      strings.Repeat("/*", n/2),
		"css strings":       strings.Repeat(`content:"`, n/9),
		"css urls":          strings.Repeat("url(", n/4),
		"css escapes":       strings.Repeat(`\`, n),
		"css declarations":  strings.Repeat("a:b;", n/4),
		"email local parts": strings.Repeat("a.b+c", n/5) + "@example.com",
	}
	return inputs
}

// FuzzRedactDetected checks the detectors on arbitrary strings: no card
// number survives and the string keeps its shape (only non-space runes turn
// into '*'). Running them twice may mask more: a masked match can leave a new
// word boundary next to a number.
//
//	go test -run '^$' -fuzz FuzzRedactDetected ./cobrowse
func FuzzRedactDetected(f *testing.F) {
	for _, s := range []string{
		"Card 4111 1111 1111 1111", "ref 12 4242-4242-4242-4242", "GB82 WEST 1234 5698 7654 32",
		"jane.doe@example.com", "+44 (0)20 7946 0958", "(415) 555-0123", "07700 900123",
		"$1,234.56 on 2026-11-22 #100234", "4111\u00a01111\u00a01111\u00a01111", "0 0000000000000000000000 0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := redactDetected(s)
		if hasCardNumber(out) {
			t.Fatalf("card number left in %q", out)
		}
		if utf8.ValidString(s) && maskText(out) != maskText(s) {
			t.Fatalf("shape changed: %q -> %q", s, out)
		}
	})
}

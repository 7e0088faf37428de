package nlu

import "testing"

func TestRedact(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		// Card numbers: Luhn-valid, 13 to 19 digits, any grouping.
		{"card with spaces", "my card 4111 1111 1111 1111 was charged", "my card [card ****1111] was charged"},
		{"card with dashes", "4242-4242-4242-4242", "[card ****4242]"},
		{"card run together", "card:4242424242424242.", "card:[card ****4242]."},
		{"amex 15 digits", "amex 3782 822463 10005", "amex [card ****0005]"},
		{"card then a stray number", "4111 1111 1111 1111 123", "[card ****1111] 123"},
		{"cvc named", "cvc 123", "cvc [cvc]"},
		{"cvv with colon", "CVV: 4321", "CVV: [cvc]"},
		{"security code is", "the security code is 987", "the security code is [cvc]"},
		{"iban grouped", "refund to GB82 WEST 1234 5698 7654 32 please", "refund to [iban] please"},
		{"iban compact", "DE89370400440532013000", "[iban]"},
		{"email", "write to jane.doe+bnpl@example.co.uk today", "write to [email] today"},
		{"uk mobile", "call me on 07700 900123", "call me on [phone]"},
		{"international", "my number is +44 7700 900123", "my number is [phone]"},
		{"us format", "(555) 123-4567 is my cell", "[phone] is my cell"},
		{"us dashes", "555-123-4567", "[phone]"},

		// Left alone: what the bot needs to read.
		{"a Luhn-invalid card-length number", "4111 1111 1111 1112", "4111 1111 1111 1112"},
		{"amount", "charged $1,249.99 on 12/03/2024", "charged $1,249.99 on 12/03/2024"},
		{"iso date", "captured 2026-10-01", "captured 2026-10-01"},
		{"order number with hash", "order #1002345678 is missing", "order #1002345678 is missing"},
		{"order number in words", "order number 5512034567 never came", "order number 5512034567 never came"},
		{"short order number", "order 55120", "order 55120"},
		{"three digits without cvc", "I bought 123 pens", "I bought 123 pens"},
		{"invalid iban checksum", "GB00WEST12345698765432", "GB00WEST12345698765432"},
		{"at sign without a domain", "@Nike fix this", "@Nike fix this"},
		{"time", "at 9:14 and 9:15", "at 9:14 and 9:15"},
		{"already redacted text is stable", "[card ****1111] and [email]", "[card ****1111] and [email]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.text); got != tt.want {
				t.Fatalf("Redact(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestLuhnAndIBAN(t *testing.T) {
	for _, tt := range []struct {
		s    string
		luhn bool
	}{{"4111111111111111", true}, {"4242424242424242", true}, {"4111111111111112", false}, {"0", true}} {
		if got := luhn(tt.s); got != tt.luhn {
			t.Errorf("luhn(%s) = %v", tt.s, got)
		}
	}
	for _, tt := range []struct {
		s  string
		ok bool
	}{{"GB82WEST12345698765432", true}, {"DE89370400440532013000", true}, {"GB82WEST12345698765433", false}, {"GB82", false}} {
		if got := ibanValid(tt.s); got != tt.ok {
			t.Errorf("ibanValid(%s) = %v", tt.s, got)
		}
	}
}

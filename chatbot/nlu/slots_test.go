package nlu

import (
	"slices"
	"testing"
	"time"
)

// ref is a Sunday: 2026-11-22 12:00 UTC.
var ref = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func TestFindOrderRef(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"hash number", "my order #100234 never came", "100234"},
		{"hash with space", "it's # 58821", "58821"},
		{"order number", "Order 55120 never showed up", "55120"},
		{"order hash", "returned order #58821 weeks ago", "58821"},
		{"order no.", "order no. 12004 appears twice", "12004"},
		{"order number word", "order number 90312 came incomplete", "90312"},
		{"alphanumeric ref", "I have proof of return for order 7731-AX", "7731-AX"},
		{"merchant style ref", "problem with order NOR-JACKET-1 please", "NOR-JACKET-1"},
		{"lowercase ref is upper-cased", "order nor-jacket-1", "NOR-JACKET-1"},
		{"a count is not a ref", "I placed order 2 times by mistake", ""},
		{"a short hash is not a ref", "payment #3 is wrong", ""},
		{"a range of days is not a ref", "the order 2-3 days late", ""},
		{"words after order are not a ref", "my order was never delivered", ""},
		{"an amount is not a ref", "I paid $100234 for it", ""},
		{"no ref", "the sofa arrived broken", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := findOrderRef(tt.text); got != tt.want {
				t.Fatalf("findOrderRef(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestFindAmounts(t *testing.T) {
	tests := []struct {
		name, text, currency string
		want                 []Money
	}{
		{"dollars", "charged $69.99 instead of $49.99", "", []Money{{6999, "USD"}, {4999, "USD"}}},
		{"pounds with thousands", "a £1,200 sofa", "", []Money{{120000, "GBP"}}},
		{"euro sign after", "it cost 45€ not 54 €", "", []Money{{4500, "EUR"}, {5400, "EUR"}}},
		{"euro sign before", "€310 plan", "", []Money{{31000, "EUR"}}},
		{"iso code before", "USD 50 was taken", "", []Money{{5000, "USD"}}},
		{"iso code after", "they took 50 usd", "", []Money{{5000, "USD"}}},
		{"bucks", "charged me 50 bucks for nothing", "", []Money{{5000, "USD"}}},
		{"quid", "20 quid fee", "", []Money{{2000, "GBP"}}},
		{"dollars word", "it was 30 dollars", "", []Money{{3000, "USD"}}},
		{"thousands suffix", "a $1.2k laptop", "", []Money{{120000, "USD"}}},
		{"one decimal", "£7.5 fee", "", []Money{{750, "GBP"}}},
		{"bare two decimals", "order was 89.00 they billed 98.00", "", []Money{{8900, ""}, {9800, ""}}},
		{"installments", "4 x £62.50", "", []Money{{6250, "GBP"}}},
		{"dollar read as the customer's own", "$45 on the 20th", "CAD", []Money{{4500, "CAD"}}},
		{"percentage is not money", "20% off code", "", nil},
		{"bare integer is not money", "I ordered 3 shirts on the 12th", "", nil},
		{"order number is not money", "order #100234", "", nil},
		{"date is not money", "on 12.03.2024", "", nil},
		{"time is not money", "at 9:14 and 9:15", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := findAmounts(tt.text, tt.currency); !slices.Equal(got, tt.want) {
				t.Fatalf("findAmounts(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestFindDates(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"yesterday", "it was taken yesterday", []string{"2026-11-21"}},
		{"today", "charged this morning", []string{"2026-11-22"}},
		{"day before yesterday", "the day before yesterday", []string{"2026-11-20"}},
		{"days ago", "ordered 3 days ago", []string{"2026-11-19"}},
		{"two weeks ago", "returned it two weeks ago", []string{"2026-11-08"}},
		{"a week ago", "a week ago", []string{"2026-11-15"}},
		{"a couple of weeks ago", "a couple of weeks ago", []string{"2026-11-08"}},
		{"a month ago", "cancelled a month ago", []string{"2026-10-22"}},
		{"last week", "paid last week", []string{"2026-11-15"}},
		{"last Tuesday", "billed last Tuesday", []string{"2026-11-17"}},
		{"last Sunday on a Sunday is a week ago", "last Sunday", []string{"2026-11-15"}},
		{"on Friday", "the app double debited on friday", []string{"2026-11-20"}},
		{"next Monday", "due next Monday", []string{"2026-11-23"}},
		{"the 3rd", "returned on the 3rd", []string{"2026-11-03"}},
		{"a day after today is last month", "on the 25th", []string{"2026-10-25"}},
		{"day month", "delivered 2 March", []string{"2026-03-02"}},
		{"day of month", "the 2nd of May", []string{"2026-05-02"}},
		{"month day", "promised by December 5th", []string{"2025-12-05"}},
		{"with year", "on 1 June 2025", []string{"2025-06-01"}},
		{"iso", "captured 2026-10-01", []string{"2026-10-01"}},
		{"slashed day first", "confirmed on 4/12", []string{"2025-12-04"}},
		{"slashed month first when day first is impossible", "on 12/25/2025", []string{"2025-12-25"}},
		{"mid month", "returned mid january", []string{"2026-01-15"}},
		{"impossible date", "on 31 April", nil},
		{"a duration is not a date", "it's been 3 weeks", nil},
		{"two dates in order", "ordered 12 march, promised by the 20th", []string{"2026-03-12", "2026-11-20"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := findDates(tt.text, ref); !slices.Equal(got, tt.want) {
				t.Fatalf("findDates(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
	t.Run("no reference time: only absolute dates with a year", func(t *testing.T) {
		got := findDates("yesterday, last Tuesday, the 3rd, 2 March and 1 June 2025", time.Time{})
		if !slices.Equal(got, []string{"2025-06-01"}) {
			t.Fatalf("got %v", got)
		}
	})
}

func TestOrderMatching(t *testing.T) {
	orders := []Order{
		{ID: "ord_1", MerchantRef: "NOR-JACKET-1", Merchant: "Northwind Outdoor", Items: []string{"Alpine Down Jacket"}, Amount: 24000, Currency: "USD", CapturedAt: ref.AddDate(0, 0, -20)},
		{ID: "ord_2", MerchantRef: "100234", Merchant: "Stride", Items: []string{"Trail Running Shoes"}, Amount: 12000, Currency: "USD", CapturedAt: ref.AddDate(0, 0, -5)},
		{ID: "ord_3", MerchantRef: "A-77", Merchant: "Stride", Items: []string{"Wool Socks"}, Amount: 1800, Currency: "USD", CapturedAt: ref.AddDate(0, 0, -3)},
		{ID: "ord_4", MerchantRef: "HM-9", Merchant: "H&M", Items: []string{"Linen Shirt"}, Amount: 3500, Currency: "USD"},
	}
	tests := []struct {
		name, text          string
		wantOrder, wantItem string
		wantMerchant        string
		wantCandidates      []string
	}{
		{"merchant ref written bare", "NOR-JACKET-1 never came", "ord_1", "", "Northwind Outdoor", nil},
		{"order ref", "order #100234 is late", "ord_2", "", "Stride", nil},
		{"item head noun", "the shoes fell apart", "ord_2", "Trail Running Shoes", "", nil},
		{"item synonym", "my trainers are fake", "ord_2", "Trail Running Shoes", "", nil},
		{"merchant with a typo", "northwind outdor charged me twice", "ord_1", "", "Northwind Outdoor", nil},
		{"merchant with punctuation", "h&m sent the wrong shirt", "ord_4", "Linen Shirt", "H&M", nil},
		{"ambiguous merchant lists candidates", "Stride never refunded me", "", "", "Stride", []string{"ord_2", "ord_3"}},
		{"merchant and item beat merchant alone", "the socks from Stride are torn", "ord_3", "Wool Socks", "Stride", nil},
		{"installment amount", "why did you take $30 twice", "ord_2", "", "", nil},
		{"nothing matches", "I don't recognise this charge", "", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := extractSlots(tt.text, Context{Now: ref, Orders: orders})
			if s.OrderID != tt.wantOrder || s.Item != tt.wantItem || s.Merchant != tt.wantMerchant || !slices.Equal(s.Candidates, tt.wantCandidates) {
				t.Fatalf("got order %q item %q merchant %q candidates %v, want %q %q %q %v",
					s.OrderID, s.Item, s.Merchant, s.Candidates, tt.wantOrder, tt.wantItem, tt.wantMerchant, tt.wantCandidates)
			}
		})
	}
}

func TestSlotsCurrencyAndDescriptor(t *testing.T) {
	tests := []struct {
		name, text, defaultCurrency string
		wantAmount                  int64
		wantCurrency, wantMerchant  string
	}{
		{"first amount wins", "listed at £49.99, charged £69.99", "", 4999, "GBP", ""},
		{"bare amount takes the customer's currency", "billed 98.00", "EUR", 9800, "EUR", ""},
		{"no amount, no currency", "it never came", "EUR", 0, "", ""},
		{"quoted descriptor", `who is "SQ *BLUEMOON LLC"? there's a charge`, "", 0, "", "SQ *BLUEMOON LLC"},
		{"quoted lowercase words are not a descriptor", `they said "no record" of it`, "", 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := extractSlots(tt.text, Context{Now: ref, Currency: tt.defaultCurrency})
			if s.Amount != tt.wantAmount || s.Currency != tt.wantCurrency || s.Merchant != tt.wantMerchant {
				t.Fatalf("got %d %q %q", s.Amount, s.Currency, s.Merchant)
			}
		})
	}
}

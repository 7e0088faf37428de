package nlu

import (
	"slices"
	"sync"
)

// The domain lexicon: concepts a customer-service reader looks for, each a
// set of phrase patterns (see match.go). They give the classifier features
// that carry over to phrasings the training data never used: "the parcel
// never showed up" and "nothing arrived" both raise NOT_ARRIVED. A match
// inside a negation scope raises the concept's negative form instead, so "it
// did arrive" and "it never arrived" pull in opposite directions.
//
// The lexicon is written from knowledge of the domain, not from the
// evaluation sets; keep it that way, or the held-out figures stop meaning
// anything.
type concept struct {
	pos      string // raised by an un-negated match; "" raises nothing
	neg      string // raised by a negated match; "" raises nothing
	patterns []string
}

// c is a concept whose negation is NOT_<name>.
func c(name string, patterns ...string) concept {
	return concept{pos: name, neg: "NOT_" + name, patterns: patterns}
}

// onlyNegated is a concept that only means something when negated ("not
// real" is FAKE; "real" alone says nothing).
func onlyNegated(name string, patterns ...string) concept {
	return concept{neg: name, patterns: patterns}
}

var lexicon = []concept{
	// Delivery.
	c("ARRIVED", "arrived|came|come|landed|delivered", "turned|turn|showed|show up",
		"received|receive|got|get|gotten ?my|the|any order|parcel|package|item|items|stuff|goods|product|delivery|box|it|them|anything|tickets|code",
		"received|receive",
		"have|has|seen|see ?got ?my|the|any|it|them order|parcel|package|item|items|stuff|goods|delivery|it|them", "reached|reach me", "in my hands"),
	onlyNegated("NOT_ARRIVED", "=here ?yet", "in ?my mailbox|hands"),
	c("STILL_WAITING", "still waiting|wait", "waiting ~ weeks|days|months", "no sign of", "lost in ?the post|transit|mail",
		"lost ?my|the parcel|package|order|delivery", "where is|are my|the order|parcel|package|stuff|items|delivery",
		"waiting for|on ~ order|parcel|package|delivery|item|it|them", "how much longer", "no update|updates", "tracking ~ updated|moved|changed", "stuck in|at", "in transit", "label created", "returned to sender",
		"until|till now", "since # days|weeks|months", "still not|never ~ arrived|came|received|delivered|here"),
	c("MARKED_DELIVERED", "marked|says|said|shows|showing|claims|listed|shown ?as delivered", "tracking says|shows|said",
		"proof of delivery", "photo of ~ door", "delivered to ?a|the wrong|another|different|neighbour|locker", "safe place", "left ~ door|porch|doorstep"),
	c("LATE", "late", "delayed|delay|delays|overdue", "past ?the estimated|expected|promised", "weeks|months ~ late|overdue",
		"supposed to arrive|come|be", "promised ?by|for|within", "keep pushing|delaying", "rescheduled", "expected|estimated ?delivery|arrival",
		"been # weeks|days|months", "# weeks|months later",
		"taking forever|ages", "so long", "behind schedule", "missed ~ delivery date|window|slot", "should ~ arrived|come|been delivered|here", "estimated|expected|promised ~ date|day"),
	c("LOST", "i think it is lost", "it is lost", "gone missing", "lost my|our|the ~ things|stuff|items|belongings|parcel|package|order|delivery|goods",
		"is|was|got|has been lost"),
	c("MISSING_PART", "=missing", "incomplete", "only got|received|came|arrived|sent|had|one|half|part",
		"half ?of my|the order|parcel|items", "part of my|the order", "# of ?the|my #", "rest of ?my|the order",
		"other half|box|parcel|items|boxes", "second parcel|box|package|half|shipment", "split into|in",
		"no|without ~ charger|cable|lens|parts|screws|pieces|accessories|battery|remote|lid|manual|legs|cushions|chairs", "not in the box|parcel|package|bag", "short ~ items|pieces|one"),

	// Returns, cancellations, refunds.
	c("RETURNED", "return|returned|returning|returns", "send|sent|post|posted|ship|shipped|mail|mailed|took|brought ?it|them|everything|the ~ back",
		"drop|dropped off", "courier collected", "prepaid|return label", "collected ?it|them ?from"),
	c("RETURN_LOST", "no record", "not in ?their|the system", "lost ?my|the return", "can not find ?it|my|the return",
		"says|say|claim|claims ?they never got|received ?it"),
	c("CANCELLED", "cancel|cancelled|cancelling|cancellation", "unsubscribe|unsubscribed", "opted out", "gave notice",
		"turned|turn|switched off auto|renewal", "ended|end|stopped|closed|quit|terminated ?my|the subscription|membership|contract|account|service"),
	c("CANCEL_ORDER", "cancelled|cancel|cancelling|cancellation ~ order|purchase|booking|reservation|flight|tickets|ticket|preorder|item|delivery",
		"order|purchase|booking|reservation|preorder|item ~ cancelled|canceled", "store|shop|merchant|seller|they|airline|hotel cancelled|canceled",
		"out of stock"),
	c("REFUND", "refund|refunded|refunding|reimburse*", "money back", "credit back",
		"waiting for|on ~ refund|money", "refund ~ never|not ~ came|arrived|showed|received",
		"back my money", "my money back"),
	c("PARTIAL", "partial|partially", "only refunded|refund|gave|got", "short", "less than", "not the full|whole|entire",
		"kept the", "deducted|deduct|minus", "half my|the money|refund", "store credit", "difference", "# out of #"),
	c("STILL_CHARGED", "still ?being|getting charged|paying|billed|taking|charging|collecting|owe|due|active|showing|scheduled|on|take|charge|bill|pay",
		"keep|keeps|kept ?on charging|billing|taking|paying|coming|going", "charged|billed anyway|again", "payments|installments keep",
		"stop charging|taking|billing", "still have|has ?a plan|payment|installment", "still took|taken|collected|charged|billed|debited",
		"shows|showing|says|saying ~ payment|installment|balance ~ due|owe|outstanding"),
	onlyNegated("NOT_APPLIED", "applied|credited|reflected|registered|counted|recorded|updated", "go|went|gone towards|toward|to ~ plan|balance|order"),
	c("LENDER", "you|you guys|your app|your system|your website took|taken|charged|charge|charging|collected|debited|take",
		"your app|system|website says|shows|showing|still", "you guys"),

	// The goods themselves.
	onlyNegated("NOT_INCLUDED", "include|included|come with|came with|in the box"),
	c("DAMAGED", "broken|broke|break|breaks|cracked|crack|smashed|shattered|dented|scratched|scratches|bent|torn|ripped|stained|stain|chipped|crushed|leaks|leaking|leak",
		"damaged|damage|faulty|defective|defect|fault", "stopped working", "dead|died|melted|burnt", "fell|falling|came apart",
		"coming off", "peeling", "malfunction*", "rip|tear ~ seam|along",
		"doa", "dead on arrival", "broke after|within", "hole|holes|mould|mold|rotten|spoiled|expired|snapped|unusable|overheats|overheating|sparks|smoke", "grinding|rattling|rattles ~ noise", "poor|bad|terrible|cheap quality"),
	c("NOT_WORKING", "not|never ?even|properly work|working|works|worked|function|functioning", "not|never turn|switch|power on",
		"not|never charge|start|load|boot"),
	c("WRONG_ITEM", "wrong|different|cheaper|smaller|older|bigger version|model|edition|size", "wrong item|size|color|model|product|one|thing|book|version|parcel|style|flavor|variant|edition|order",
		"sent|send|shipped|gave|delivered ?me ?the|a wrong", "instead of", "not what ?i ordered|order|bought", "different item|product|color|size|model|thing", "ordered ~ got|received|sent|came",
		"someone else ~ order|parcel|package|item|stuff|box",
		"not the one ?i ordered|order|bought|picked", "mixed up|mix up", "got|received|sent ~ instead", "wrong ~ sent|delivered|arrived",
		"other|another product|item|thing|model|color|size|one"),
	c("NOT_AS_DESCRIBED", "nothing like", "not as described|advertised|pictured|shown|listed", "look|looked|looks nothing",
		"different from|to|than", "listing|listed|description|described|advertised|advert|ad|picture|pictures|photo|photos|website|site|label ~ said|says|showed|shows",
		"sold|advertised|listed|described|marketed as", "supposed to be", "claimed|claims", "quality|cheap|cheaply|flimsy|plastic",
		"see through", "came|arrived|is|was|clearly|obviously|already used", "second hand", "size chart", "misleading|misrepresent*",
		"smaller|bigger|thinner|shorter|longer|lighter|darker ~ than", "than expected|advertised|shown|pictured|described", "not ~ as shown|pictured|described|advertised", "false advertising", "fabric|material|color|colour ~ different|wrong", "not real leather|gold|silver|wool|cotton|wood"),
	c("FAKE", "fake|fakes|counterfeit|knockoff|replica|imitation|copy", "knock off", "serial number", "batch code", "logo",
		"bootleg|dupe|fakes"),
	onlyNegated("FAKE", "real|genuine|authentic|original|legit"),

	// Charges.
	c("TWICE", "twice|double|doubled|duplicate|duplicated|identical",
		"two|three|multiple|several|# ?identical|same|separate charges|payments|plans|orders|transactions|debits|entries|bookings|confirmations|times",
		"both ?of them ?went|got|charged|taken", "same order|item|purchase|thing|amount|price|charge", "went through ?twice|again",
		"extra one|charge|plan",
		"appears|showing|shows|showed|came up twice", "two|2 of the same"),
	c("ONE_ONLY", "only bought|made|ordered|placed|clicked|purchased|paid|booked|want|received|got ?one|once",
		"one order|purchase|item|booking|pair|set", "only one|once", "single purchase|order"),
	onlyNegated("DONT_RECOGNIZE", "recognize|recognized|familiar|heard"),
	onlyNegated("DONT_KNOW", "know|sure|understand"),
	onlyNegated("DONT_REMEMBER", "remember|recall|place|identify"),
	c("UNKNOWN_CHARGE", "no idea|clue", "what is this|that", "what was this|that", "what|who is ~ on my account|statement|plan|app",
		"what is ~ charge|payment|debit|transaction|plan|purchase|order", "what ~ paying for", "why am i paying",
		"what store|shop|merchant|company|business is", "where ~ payment|charge|money went|go|going", "what this purchase|payment|charge|order is",
		"can not match", "not match ~ receipts|purchases|orders", "who ~ charging|billing|taking", "who is|are", "what ?did ?i|we buy|bought",
		"can not place|identify|figure", "explain ?this|the charge|payment|purchase", "mystery|mysterious|strange|weird|random|unknown|odd|unfamiliar ~ charge|payment|debit|merchant|name|transaction|purchase|order|plan",
		"ring a bell", "parent company", "billing name", "what is it for", "what for", "merchant|store|company|shop name|names"),
	c("NOT_ME", "not me|mine", "was not me", "is|are not mine", "nobody else", "i did not $", "i never did $", "not by me"),
	onlyNegated("NOT_MADE", "order|ordered|buy|bought|purchase|purchased|shopped|authorize|authorized|approve|approved",
		"make|made|place|placed|open|opened|sign|signed ?up this|that|these|those|the|any|an|it|them|purchase|purchases|order|orders|transaction|transactions|charge|charges|plan|account|$",
		"used ?your|this service|app"),
	c("FRAUD", "fraud|fraudulent|fraudulently|hacked|hack|hacker|stolen|stole|steal|compromised|unauthorized",
		"identity", "without ?my permission|consent|knowledge|authorization|approval|asking", "in my name",
		"someone|somebody|person|stranger ~ used|using|bought|buying|made|making|opened|accessed|logged|took|placed|ordered|changed|hacked|got into",
		"my details|login|password", "took over|taken over", "police", "ex|roommate|son|daughter|kid|partner|teenager|child used",
		"stranger", "phishing", "sim swap", "suspicious ~ activity|login|email|text", "breach", "card ~ stolen|lost|cloned", "not authorized|approved ~ by me"),
	c("SUBSCRIPTION", "subscription|subscriptions|subscribe|subscribed|membership|member|trial|recurring|monthly|annual|annually|yearly",
		"renew|renewal|renewed|autorenew", "auto renew", "every|each|per|a month|year", "contract|license|streaming|gym",
		"premium|downgraded|downgrade|upgrade|upgraded", "billing cycle"),

	// Amounts.
	c("FEE", "fee|fees|surcharge|hidden|extra|additional|tax|duty|customs", "service|delivery|handling|processing|admin|booking|shipping charge|cost",
		"added|add ~ on|onto|fee"),
	c("LATE_FEE", "late|missed|failed|bounced ?payment fee|charge", "penalty|fine"),
	c("WRONG_QTY", "for # when|but|and ~ ordered|bought|wanted|put|only #", "charged|billed ~ for # ~ only|but ~ #"),
	c("PRICE", "price|priced|pricing|overcharged|overcharge|total|quoted|quote|cost|costs", "charged|charging|billed ?me more",
		"wrong amount|price|total", "more than", "listed|marked at", "receipt|invoice ~ says|shows|said", "does not match",
		"full price", "should be|have been", "rung up", "# instead of"),
	c("DISCOUNT_MISSING", "discount|code|voucher|coupon|promo|points|deal|offer ~ missing|disappeared|ignored|gone",
		"full price", "undiscounted", "original price"),
	onlyNegated("DISCOUNT_MISSING", "discount|code|voucher|coupon|promo|points|deal|offer|sale ~ applied|apply|work|worked|go|went|show|showing|taken|come|came|included",
		"apply|applied|take|took|give|gave|honor|honour ~ discount|code|voucher|coupon|promo|deal|offer|price match"),
	c("DISCOUNT", "discount|discounted|code|coupon|voucher|promo|promotion|sale|deal|loyalty|points|reduced", "% off", "# off",
		"price match", "gift card", "buy one get one", "marked down"),
	c("PAID_DIRECT", "paid|pay ?the|them store|shop|merchant|seller|dealer|dealership|garage|company|them ?directly|direct",
		"directly", "cash", "till|counter|register", "in person", "took|charged|ran ~ card", "paid ?in full|the balance|the rest to|with|on|at|via|by", "settled ~ with ?the merchant|store|shop|seller|them",
		"paid ~ balance|deposit|rest|full|everything ~ to|with|at", "plan|finance|installments|payments with you",
		"bank transfer"),

	// Installments, on the lender's side.
	c("INSTALLMENT", "installment|installments|autopay|overdue|interest", "payment plan|schedule", "auto pay", "direct debit",
		"due date", "pay in #", "balance", "paid off|early", "left my bank|account", "bank statement|says|shows",
		"applied|credited|reflected", "marked ?as paid", "payment failed|bounced|declined", "missed ?a payment",
		"paused|pause|frozen|freeze|hold", "manual|extra payment", "remaining", "credit limit"),
	c("TOOK_PAYMENT", "took|taken|take|taking|collected|debited ?my|the|a|another payment|installment|money",
		"payment|installment|money ~ taken|took|collected|debited|came|went|left",
		"you ?guys took|charged|taken", "your system|app"),
	c("PAID", "paid ?it ?on time|already|early", "i paid", "payment went through|out", "made ?my|a|the payment",
		"pay|paid|payed already", "already pay|paid|payed"),

	// Merchants and services.
	c("MERCHANT_GONE", "bust|bankrupt|bankruptcy|liquidation|administration|insolvent", "out of business",
		"shut|closed down|doors|permanently|suddenly", "shop|store|company|business|merchant|seller|site|website|shops ~ closed|shut|gone|vanished|disappeared",
		"vanished|ghosted", "no longer exist|exists|trading", "exist ?anymore", "emails ?bounce|bouncing", "blocked me|my|us",
		"scam|scammed|scammer|scammers", "fake shop|website|store|site"),
	onlyNegated("UNRESPONSIVE", "respond|reply|answer|responding|replying|answering|pick up|get back|help|helping|helpful"),
	c("UNRESPONSIVE", "ignoring|ignored|ignore", "stopped replying|responding|answering", "excuses"),
	c("REFUSES", "refuses|refused|refusing|refuse", "honor|honour"),
	c("PROMISE", "promised|agreed|guaranteed|assured", "supposed|meant to", "said they would", "part of the deal|price"),
	c("SERVICE", "service|services|contractor|builder|plumber|electrician|cleaner|cleaning|mechanic|garage|photographer|salon|hairdresser|tutor|school|course|lesson|lessons|class|session|appointment|booking|booked|event|concert|festival|tickets|ticket|hotel|flight|holiday|trip|tour|venue|caterer|installer|installation|repair|warranty|guarantee|studio|dentist|vet|optician|treatment"),
	c("NOT_PERFORMED", "did not do", "never|not ~ did|do|done|started|finished|fixed|fix the|any work|job", "half the job|work", "no show", "terrible|bad|awful|poor ?job|work|service",
		"postponed", "left early"),

	// Conversation.
	c("PERSON", "human|humans|person|people|agent|agents|representative|rep|manager|supervisor|operator|staff|colleague|advisor|adviser",
		"someone real", "real person|human|agent|someone", "customer service|support", "callback", "call|ring me|back",
		"phone call"),
	c("BOT", "bot|chatbot|robot|ai|machine|automated"),
	c("QUESTION", "how do|does|can|long|much|many|to|is|would|should|often|soon", "when is|will|does|do|can|are|should",
		"what happens", "can|could|may i", "is there", "do you", "does it", "will i|it|my|you", "where can|do",
		"which", "is it possible", "am i able", "do i need|have"),
	c("HYPOTHETICAL", "if i|you|my", "what if", "in case", "would i", "suppose"),
	c("DISPUTE_TALK", "dispute|disputes|claim|claims|case|complaint|appeal", "opened|open|submitted|filed|raised ~ dispute|claim|case"),
	c("STATUS_Q", "any update|news", "status", "heard|hear back", "update on", "still open", "next step"),
	c("GREETING", "hi|hello|hey|hiya|hiii|yo|morning|evening|afternoon|thanks|thank|cheers|appreciate|bye|goodbye",
		"ok|okay|k|cool|great|perfect|awesome|nice|yes|yeah|nope|lol|haha"),
	c("ACCOUNT_Q", "login|logged|password|verification|verify|profile|notifications", "log|sign in|out", "locked ?out",
		"email address", "phone number", "delete|close ?my account", "app crash|crashes|keeps", "two factor"),
	c("HARDSHIP", "afford|struggling|struggle|financial|finances|hardship|difficulty|skint|benefits|=rent|=bills|=job", "i am broke",
		"more time", "extension", "push|delay|postpone ~ back", "money is tight", "able to pay|make", "only pay", "skip ?a payment",
		"universal credit"),
	c("PAYMENT_METHOD", "card|cards|paypal", "apple|google pay", "bank account", "payment method", "default"),
	c("PAY_EARLY", "pay ?it off|early|now|ahead", "pay ?it in full", "pay everything|all", "pay the rest", "clear ?my|the balance|plan",
		"settle", "one off payment"),
	c("PAY_IN_30", "pay in 30", "30 days", "pay later"),
	c("DUE_DATE", "next payment|installment", "due date|dates", "when is my|the ?next payment|installment", "how much ~ owe|left",
		"left on", "left to pay", "payment schedule", "last|final payment|installment", "payments left"),
	c("DELIVERY_Q", "ship|shipped|shipping|dispatch|dispatched|track|tracking|eta|courier", "on it is way", "out for delivery",
		"when will ~ arrive|come"),
	c("COMPLAINT", "still", "anyway", "again", "nobody|no one", "fix|sort this|it|out", "want|need my money back",
		"refund me", "complain|complaint", "how come", "why am i|is there|did you|have i|has my|was i",
		"make it make sense", "unacceptable|ridiculous|joke|disgrace",
		"not agree", "do not agree"),
	c("INQUIRY", "just wondering", "quick question", "how long", "when will", "is it normal", "do i need", "should i",
		"what happens", "will i", "would i", "can i", "am i able", "is there a way", "expect", "yet"),
	c("ALREADY_CLAIMED", "opened|raised|submitted|filed|reported|made|started ~ dispute|claim|case|complaint|ticket",
		"my dispute|claim|case", "case number", "uploaded|sent ~ photos|evidence"),
	c("RECENT", "just ordered|bought|placed", "only been", "this morning", "yesterday", "# days ago", "earlier today"),
	c("ANGRY", "ridiculous|joke|unacceptable|disgusting|useless|furious|angry|annoyed|wtf|fed|sick|rubbish|scandal|outrageous"),
}

// patternIndex finds, for a token, the patterns whose first slot could
// accept it, so matching a message tries a handful of patterns per word
// instead of all of them.
type patternIndex struct {
	byStem   map[string][]indexedPattern
	byExact  map[string][]indexedPattern
	fallback []indexedPattern // first slot is a prefix, a number or a gap
}

type indexedPattern struct {
	pattern
	pos, neg string
}

func (ix *patternIndex) add(p indexedPattern) {
	first := p.slots[0]
	if len(first.prefixes) > 0 || first.number || first.gap {
		ix.fallback = append(ix.fallback, p)
		return
	}
	for w := range first.words {
		ix.byStem[w] = append(ix.byStem[w], p)
	}
	for w := range first.exact {
		ix.byExact[w] = append(ix.byExact[w], p)
	}
}

// candidates calls yield for every pattern that may start at t.
func (ix *patternIndex) candidates(t token, yield func(indexedPattern)) {
	for _, p := range ix.byStem[t.stem] {
		yield(p)
	}
	if t.word != t.stem {
		for _, p := range ix.byExact[t.word] {
			yield(p)
		}
	} else {
		for _, p := range ix.byExact[t.word] {
			if !p.slots[0].words[t.stem] { // not already yielded by stem
				yield(p)
			}
		}
	}
	for _, p := range ix.fallback {
		yield(p)
	}
}

var lexiconIndex = sync.OnceValue(func() *patternIndex {
	ix := &patternIndex{byStem: map[string][]indexedPattern{}, byExact: map[string][]indexedPattern{}}
	for _, c := range lexicon {
		for _, src := range c.patterns {
			ix.add(indexedPattern{pattern: compilePattern(src), pos: c.pos, neg: c.neg})
		}
	}
	return ix
})

// concepts returns the sorted, distinct concepts toks raise.
func concepts(toks []token) []string {
	seen := map[string]bool{}
	ix := lexiconIndex()
	for i, t := range toks {
		if t.word == boundary {
			continue
		}
		ix.candidates(t, func(p indexedPattern) {
			end, ok := p.matchAt(toks, i, 0)
			if !ok {
				return
			}
			name := p.pos
			if !p.neutral && anyNegated(toks[i:end]) {
				name = p.neg
			}
			if name != "" {
				seen[name] = true
			}
		})
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

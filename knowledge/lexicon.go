package knowledge

import (
	"regexp"
	"strings"
)

// The lexicon maps the ways customers describe a problem ("my shoes never
// came", "charged me twice", "it's a knockoff") and the ways the policies
// describe it ("not received", "duplicate charge", "counterfeit") onto shared
// concepts. Chunks and queries both get a concept feature wherever one of its
// phrases occurs, so a paraphrase with no word in common with its answer
// still meets it. Phrases are written in plain English and go through the
// same analysis as text (so "never arrive" also matches "never arrived"),
// and between two words of a phrase up to two filler words may appear
// ("charged me twice", "hasn't even arrived").
//
// Entries describe the domain, not particular questions: each concept is
// how people talk about one thing the policies cover.
var concepts = map[string][]string{
	"not-received": {"never arrive", "never came", "not arrive", "not received", "never received",
		"not receive", "never got", "not turn up", "never turned up", "never showed up", "not show up",
		"not delivered", "never delivered", "missing parcel", "missing package", "lost parcel",
		"lost package", "lost in the post", "nothing arrived", "nothing came", "nothing at my door",
		"not at my door", "parcel is lost", "still waiting for my order"},
	"arrived": {"arrive", "turn up", "show up", "turned up", "showed up"},
	"delivered-missing": {"says delivered", "said delivered", "marked as delivered", "shows delivered",
		"showing delivered", "scanned as delivered", "delivered but", "delivered scan", "doorstep", "porch"},
	"faulty": {"broken", "broke", "faulty", "fault", "defective", "damaged", "damage", "not working",
		"stopped working", "stop working", "not work", "won't turn on", "not turn on", "not start",
		"cracked", "dented", "leaking", "smashed", "shattered", "malfunction", "ripped", "torn",
		"scratched", "dead on arrival"},
	"counterfeit": {"fake", "counterfeit", "knockoff", "knock off", "replica", "not genuine",
		"not real", "not authentic", "imitation"},
	"wrong-item": {"wrong item", "wrong size", "wrong color", "wrong product", "wrong one",
		"different item", "not what i ordered", "sent the wrong", "empty box", "arrived empty"},
	"not-as-described": {"not as described", "not as advertised", "misleading", "misdescribed",
		"listing said", "description said", "advert said", "looks nothing like", "materially different"},
	"unsafe": {"spark", "sparked", "smoke", "burning", "burnt", "fire", "overheat", "overheats",
		"melted", "electric shock", "dangerous", "unsafe", "hazard", "exploded"},
	"change-of-mind": {"changed my mind", "change of mind", "not like", "no longer want",
		"not want it", "not what i expected", "not suit"},
	"duplicate": {"charged twice", "billed twice", "double charged", "double charge", "paid twice",
		"taken twice", "two charges", "duplicate", "twice", "collected twice", "same order twice"},
	"paid-elsewhere": {"paid in store", "paid at the till", "till", "paid the shop", "paid the store",
		"paid directly", "paid cash", "in cash", "another way", "paid in person", "at the counter"},
	"refund": {"money come back", "get my money back", "money returned", "refund", "money back", "reimburse", "reimbursement", "pay me back", "credited back",
		"get my money"},
	"cancel":   {"cancel", "cancellation", "call off", "unsubscribe", "quit", "terminate", "stop my subscription"},
	"withdraw": {"cancel my dispute", "drop my dispute", "withdraw my dispute", "withdraw", "call off", "drop the dispute", "close the dispute", "cancel the dispute", "never mind"},
	"parcel":   {"parcel", "package", "box", "shipment", "courier", "postman", "delivery driver", "carrier"},
	"event":    {"wedding", "birthday", "party", "christmas", "concert", "gig", "festival", "event"},
	"digital": {"digital", "download", "game code", "game key", "activation code", "license key",
		"product key", "software key", "software", "ebook", "gift card", "e ticket", "code was delivered"},
	"split-shipment": {"separate box", "separate parcel", "separate package", "separate delivery",
		"separately", "several parcels", "multiple parcels", "another parcel", "another box",
		"split shipment", "second parcel", "rest of my order"},
	"partial": {"only got", "only received", "missing item", "items missing", "item missing",
		"part of my order", "part of the order", "half my order", "not everything", "incomplete"},
	"not-shipped":    {"not shipped", "not dispatched", "not been sent", "not posted", "still processing"},
	"stuck-tracking": {"not moved", "not updated", "no update", "no updates", "stuck", "no movement", "no new scan"},
	"tracking":       {"tracking", "track", "where is my order", "where is my parcel", "where my order"},
	"unauthorized": {"fraud", "fraudulent", "unauthorized", "not authorize", "not make this purchase",
		"not make the purchase", "never made", "not me", "not mine", "never bought", "not buy",
		"not order this", "never ordered", "someone used my", "someone else", "hacked", "identity theft",
		"not made by you", "not made by me"},
	"stolen": {"stolen", "steal", "nicked", "pinched", "robbed", "mugged", "burgled", "pickpocket"},
	"family": {"son", "daughter", "child", "kid", "kids", "partner", "husband", "wife", "boyfriend",
		"girlfriend", "flatmate", "roommate", "family", "household", "brother", "sister", "mom", "dad", "parent"},
	"coercion": {"made me buy", "forced me", "forced", "pressured me", "controlling", "coerced",
		"abuse", "abusive", "threatened me"},
	"unrecognized": {"not recognize", "never heard of", "unfamiliar", "unrecognized", "what is this charge",
		"weird charge", "strange charge", "mystery charge", "unknown charge"},
	"subscription": {"subscription", "membership", "gym", "streaming", "netflix", "spotify", "magazine",
		"meal kit", "renewal", "renew", "recurring", "free trial", "trial"},
	"collected": {"took money", "take money", "taking money", "took a payment", "take a payment",
		"taken from my card", "taken from my account", "debited", "came out of my account",
		"come out of my account", "money come out", "money came out", "money left", "left my account",
		"bank shows", "charged my card", "collected", "collection", "money out"},
	"not-applied": {"still owe", "shows as unpaid", "shows unpaid", "still shows", "says i owe",
		"not applied", "still due", "still unpaid"},
	"pause": {"still have to pay", "have to pay while", "have to keep paying", "keep paying", "need to pay while", "do i pay while", "pause", "paused", "on hold", "hold", "freeze", "frozen", "suspend", "put on hold", "stop payments", "stop paying", "payments stop", "payment stop", "stop the payments", "stop my payments"},
	"pay-in-4": {"pay in 4", "pay in four", "4 payments", "four payments", "4 installments",
		"four installments", "4 instalments", "four instalments", "split in 4", "split into four"},
	"pay-in-30": {"pay in 30", "pay in thirty", "30 days to pay", "pay later in 30"},
	"resume":    {"resume", "restart", "start again", "start paying again", "start taking", "payments come back"},
	"missed-payment": {"missed payment", "missed my payment", "miss a payment", "late payment", "pay late",
		"behind on", "behind with", "overdue", "past due"},
	"failed-payment": {"not go through", "did not go through", "payment failed", "failed payment",
		"declined", "bounced", "insufficient funds", "not enough money", "card expired", "expired card"},
	"hardship": {"can not make my payments", "can not make payments", "not make my payments", "can not keep up", "can not pay", "not able to pay", "cannot afford", "not afford", "struggling",
		"struggle to pay", "money worries", "lost my job", "lose my job", "unemployed", "redundant",
		"laid off", "no income", "in debt", "debt", "financial difficulty", "hard to pay", "money is tight",
		"tight on money", "skint", "hardship"},
	"payment-holiday": {"payment holiday", "take a break", "break from paying", "skip a payment",
		"skip a month", "pause all my payments", "breathing room"},
	"arrangement": {"smaller payments", "smaller chunks", "smaller amounts", "spread", "spread out",
		"payment arrangement", "pay less each", "lower payments", "longer to pay", "longer time",
		"repayment plan", "arrangement"},
	"move-due-date": {"move my payment", "move a payment", "move the due date", "move due date", "push back",
		"push my payment", "postpone", "delay my payment", "later date", "change my due date", "payday",
		"pay day"},
	"pay-early": {"pay off", "pay early", "pay it off", "clear my balance", "pay everything", "pay it all",
		"pay the rest", "early repayment"},
	"credit-report": {"credit score", "credit file", "credit report", "credit rating", "credit record",
		"credit history", "credit bureau", "credit reference", "wreck my credit", "ruin my credit",
		"hurt my credit", "affect my credit", "damage my credit", "consumer reporting"},
	"limit": {"spending limit", "available limit", "credit limit", "limit", "most i can spend",
		"how much can i spend", "maximum", "max", "cap", "capped"},
	"human": {"human", "person", "real person", "agent", "somebody", "staff", "representative",
		"operator", "customer service", "advisor", "talk to someone", "speak to someone", "anyone there"},
	"assistant": {"bot", "robot", "chatbot", "assistant", "ai", "virtual assistant"},
	"automated": {"decided by a robot", "decide by a robot", "robot decide", "computer decide", "decided by a computer", "decided by a machine", "decided automatically", "decide automatically", "automatic", "automatically", "automated", "computer", "algorithm", "machine", "robot"},
	"loop": {"not let me", "round in circles", "going round", "loop", "useless", "keeps asking",
		"same question", "let me out", "get out of"},
	"hours": {"24 hours", "24 7", "night", "midnight", "weekend", "overnight", "opening hours", "open hours",
		"hours a day"},
	"time-of-day": {"time of day", "what time", "local time", "morning"},
	"complaint": {"how your staff handled", "handled my case", "was handled", "how you handled", "staff handled", "dealt with my case", "complaint", "complain", "fed up", "unhappy", "not happy", "disappointed", "angry",
		"furious", "terrible service", "poor service", "rude", "handled badly"},
	"compensation": {"compensation", "compensate", "pay me something", "pay me for", "stress",
		"distress", "inconvenience", "goodwill"},
	"appeal": {"appeal", "challenge", "contest", "disagree", "dispute the decision", "review the decision",
		"overturn", "unfair decision", "wrong decision", "look again"},
	"merchant-favor": {"lost the dispute", "lost my dispute", "lost the case", "lose the dispute",
		"decided against me", "went against me", "merchant favor", "merchant won", "decision goes against"},
	"customer-favor": {"won", "won the dispute", "win the dispute", "in my favor", "in your favor",
		"went my way", "decided for me"},
	"evidence-file": {"photo", "pic", "pics", "picture", "image", "screenshot", "video", "file",
		"attachment", "upload", "attach"},
	"file-sharing": {"google drive", "dropbox", "wetransfer", "onedrive", "icloud link", "link",
		"file sharing", "zip"},
	"size-limit": {"too big", "too large", "file size", "size limit", "not upload", "won't upload"},
	"extension": {"get longer", "longer to send", "longer to reply", "more time", "extension", "extend", "extra time", "a bit longer", "need longer",
		"more days", "longer to get"},
	"deadline": {"still open a dispute", "too late", "deadline", "time limit", "cutoff", "by when", "how many days", "window", "months ago",
		"weeks ago", "days ago", "how long after", "too late to"},
	"screen-share": {"screen sharing", "share my screen", "sharing my screen", "screen share",
		"share the screen", "cobrowse", "co browse", "see my screen", "watch my screen", "sharing"},
	"remote-control": {"control my phone", "tap stuff", "tap things", "take over my phone", "click for me",
		"type for me", "remote control", "with control", "take control"},
	"remote-access-app": {"anydesk", "teamviewer", "remote access", "quick support", "install an app",
		"install another app", "download an app"},
	"scam": {"scam", "scammer", "phishing", "suspicious", "fake text", "fake email", "fake call",
		"pretending", "claiming to be", "saying they are from", "say they are from", "link to click",
		"click the link", "out of the blue"},
	"other-apps": {"whatsapp", "instagram", "facebook", "tiktok", "other apps", "other app",
		"notifications", "home screen", "browser tabs", "my texts", "my messages", "my photos"},
	"secret": {"card number", "card details", "pin", "password", "cvc", "cvv", "security code",
		"bank details", "account number", "sort code"},
	"sign-in-code": {"one time code", "verification code", "sign in code", "login code", "6 digit code",
		"six digit code", "code", "otp", "passcode"},
	"sign-out": {"log out", "logged out", "logging me out", "sign out", "signed out", "signing me out",
		"kicked out", "session expired"},
	"sign-in": {"log in", "login", "logged in", "sign in", "signed in", "log on"},
	"locked":  {"locked out", "locked", "lock", "can not get in", "can not access", "too many attempts", "wrong code"},
	"new-device": {"new device", "new phone", "unknown device", "another device", "login from",
		"sign in from", "logged in from"},
	"lost-phone":    {"lost my phone", "lost phone", "phone stolen", "stolen phone", "phone was stolen", "nicked my phone"},
	"mobile-number": {"phone number", "mobile number", "cell number", "my number", "new number"},
	"close-account": {"close my account", "delete my account", "cancel my account", "deactivate",
		"remove my account", "close account"},
	"age": {"at least 18", "18 or over", "over 18", "aged 18", "under 18", "underage", "teenager", "teen", "how old", "age", "years old", "too young", "old enough"},
	"bereavement": {"passed away", "died", "death", "dead", "deceased", "bereavement", "funeral",
		"executor", "estate"},
	"representative": {"on my behalf", "on your behalf", "on behalf", "trusted contact", "speak for me",
		"speak for you", "talk to us for you", "deal with this for me", "deal with all this",
		"someone helping you", "power of attorney", "carer"},
	"language": {"english", "spanish", "language", "interpreter", "translate", "translation", "fluent"},
	"extra-support": {"dyslexia", "dyslexic", "disability", "disabled", "adhd", "autism", "blind", "deaf",
		"illness", "ill", "sick", "hospital", "mental health", "anxiety", "depression", "vulnerable",
		"extra support", "take me ages", "struggle with forms"},
	"privacy":      {"protect this information", "protect your information", "protect", "sensitive information", "who gets to see", "who can see", "who sees", "confidential", "private", "privacy", "data protection"},
	"ai-training":  {"train", "training ai", "ai model", "machine learning", "train their models"},
	"store-credit": {"voucher", "store credit", "gift card", "credit note", "credit instead", "exchange"},
	"discount":     {"discount", "promo code", "promo", "promotion", "coupon", "voucher code", "money off", "percent off"},
	"deduct":       {"knocked off", "knock off", "deducted", "took off", "taken off", "docked", "subtracted", "kept some"},
	"postage": {"postage", "shipping cost", "return shipping", "return label", "postage costs",
		"pay to send back", "pays to send", "shipping fee", "prepaid label", "posting it back", "post it back"},
	"price-drop": {"went on sale", "on sale", "price drop", "price dropped", "cheaper", "price went down",
		"reduced price", "price match", "price matching", "price adjustment", "difference back"},
	"import-duty": {"import", "customs", "duty", "duties", "import charges", "customs fee", "pay at the door"},
	"currency": {"foreign transaction", "currency conversion", "exchange rate", "abroad", "american website",
		"overseas", "international", "currency", "foreign"},
	"unexpected-fee": {"hidden fee", "extra charge", "surcharge", "service fee", "handling fee",
		"handling charge", "unexpected fee", "admin fee", "never agreed"},
	"restrict": {"ban", "banned", "restrict", "restricted", "kick me off", "blacklist", "bad faith"},
	"many-disputes": {"more disputes", "several disputes", "third dispute", "fourth dispute", "fifth dispute",
		"multiple disputes", "many disputes", "lots of disputes", "raising issues", "keep raising",
		"keep disputing", "another dispute"},
	"ninety-days": {"90 days", "three months", "3 months", "quarter"},
	"statement": {"signed statement", "sign a statement", "sign some statement", "not lying", "lying",
		"believe me", "declaration"},
	"no-response": {"ignore", "ignores", "ignoring", "no response", "not respond", "not reply",
		"silent", "no answer", "not answer", "no reply"},
	"pressure": {"only if i cancel", "only refund if", "if i withdraw", "if i drop", "if i cancel my dispute", "in exchange for", "refund conditional", "drop it", "threaten", "pressure", "harass", "keeps messaging", "keep messaging", "bully",
		"conditional on withdrawing"},
	"waive": {"let me off", "waive", "waiver", "forgive", "remove the fee", "refund the fee", "first time"},
	"purchase-blocked": {"not buy anything", "not let me buy", "not make purchases", "not make new",
		"blocked from buying", "purchases are blocked", "not use settle", "new purchases"},
	"immediate": {"straight away", "immediately", "instantly", "right away", "without asking"},
	"wrong-info": {"wrong deadline", "wrong information", "wrong answer", "bot said", "bot told me",
		"incorrect information", "gave me the wrong"},
	"audio":     {"audio", "sound", "voice", "microphone", "hear me"},
	"retention": {"long do you keep", "how long keep", "retain", "retention", "kept for", "stored for", "delete", "deleted"},
	"data-copy": {"copy of", "access my data", "my data", "subject access", "request a copy", "download my data"},
	"expiry":    {"expire", "expires", "expiry", "valid for", "how long is the code", "time out", "valid"},
	"rounding": {"few cents", "cents more", "pence more", "rounding", "rounded", "extra cent",
		"uneven", "not equal"},
	"respond": {"respond", "response", "reply", "answer", "get back to me", "hear back"},
	"return": {"on its way back", "way back to", "sending back", "sending it back", "return", "send it back", "sent it back", "send back", "sent back", "posted it back",
		"post it back", "posted back", "back to the shop", "back to them"},
	"merchant-recorded": {"merchant recorded", "already told us", "already sent us", "recorded your cancellation",
		"recorded the cancellation"},
	"good-standing": {"good standing"},
	"proof-delivery": {"proof of delivery", "prove delivery", "show the parcel was delivered",
		"show it was delivered", "show delivery", "proved delivery"},
	"two-months":            {"two months", "2 months", "8 weeks", "eight weeks"},
	"delay":                 {"not decided", "no decision", "nobody has decided", "taking too long", "take too long", "too long", "delayed", "delay", "still waiting for a decision"},
	"dispute-scope":         {"what counts as a dispute", "count as a dispute", "count as opening a dispute", "counts as", "count as", "not a dispute", "not disputes", "is it a dispute", "kinds of problems", "types of problems", "what problems", "what can i dispute"},
	"pay-anyway":            {"can i keep paying", "can i still pay", "pay anyway", "voluntary", "paying during", "pay during", "want to pay", "choose to pay", "keep paying off"},
	"already-in-progress":   {"already started", "in progress", "same morning", "same day", "right after i", "just after i", "after i reported", "after i opened", "after i submitted", "still went out", "still came out", "still taken"},
	"other-orders":          {"other orders", "other order", "other plans", "other purchases", "rest of my account", "all my orders", "all my plans", "every order"},
	"notice":                {"without warning", "warn me", "warning", "remind me", "reminder", "tell me first", "let me know first", "silently", "without telling", "without notice", "notice"},
	"merchant-provides":     {"merchant provides", "merchant provide", "merchant send", "merchant owe", "merchant need", "merchant must", "seller send", "shop send", "store send", "evidence merchants must provide"},
	"customer-provides":     {"what you provide", "you provide", "i provide", "i need to give", "need to give", "i need to send", "need to send", "need to show", "what details", "what information", "should i include", "what to include", "what to send"},
	"settle-error":          {"settle messing up", "messing up", "messed up", "settle made a mistake", "your mistake", "your error", "settle own payments", "settle itself", "billing error", "problem with a payment", "payment went wrong", "payments went wrong", "went wrong with my payment"},
	"refund-missing":        {"no refund", "not refunded", "still no refund", "refund not processed", "refund has not", "refund never came", "not been refunded", "without a refund", "refund not arrived", "refund did not", "refund has not followed", "no refund followed"},
	"report":                {"let you know", "let settle know", "tell settle", "tell you", "inform", "notify you", "report"},
	"charged-after-cancel":  {"canceled but not refunded", "canceled not refunded", "canceled and not refunded", "still being charged", "still charged", "charged after canceling", "charged after i canceled", "canceled but still", "still billed", "still taking money", "kept billing", "kept charging", "keep charging", "charged again", "still charging"},
	"no-proof":              {"no proof", "not show", "can not show", "can not prove", "not prove", "without proof", "unable to prove", "no evidence of delivery", "not send proof"},
	"legal-rights":          {"still responsible", "responsible", "my rights", "legal rights", "your rights", "the law", "by law", "legally", "statutory", "consumer rights", "entitled", "warranty", "guarantee"},
	"in-person":             {"in person", "face to face"},
	"conflict":              {"disagree", "disagrees", "conflicting", "conflict", "says otherwise", "points both ways", "point in different directions", "contradict", "insists", "the evidence conflicts"},
	"customer-made-it":      {"was me", "it was me", "me who bought", "i bought it myself", "made by you", "with your permission", "authorized", "you made it"},
	"liable":                {"have to pay for", "liable", "liability", "owe nothing", "pay for it", "responsible for paying", "on the hook", "never asked to pay"},
	"wrong-method":          {"wrong card", "wrong payment method", "wrong account", "card i deleted", "deleted card", "removed card", "card removed", "account removed", "card i removed", "not the one i chose"},
	"mistake":               {"wrongly charged", "charged in error", "by mistake", "wrong late fee", "charged by mistake", "in error", "wrongly", "incorrectly charged", "mistakenly"},
	"self-limit":            {"stop myself", "stop me using", "block myself", "self exclusion", "self exclude", "block new purchases", "limit my spending", "spending controls", "lower my limit", "lower your spending limit", "stop using settle", "take a break from using"},
	"merchant-options":      {"merchant can respond", "how a merchant can respond", "store do", "shop do", "merchant do", "seller do", "store can do", "merchant can do", "what can the merchant"},
	"missed-deadline":       {"in time", "miss a deadline", "missed the deadline", "miss the deadline", "not in time", "not send in time", "after the deadline", "deadline passes", "deadline has passed", "late evidence", "missed my deadline"},
	"merchant-evidence":     {"what the shop sent", "what the merchant sent", "merchant sent", "shop sent", "seller sent", "store sent", "merchant evidence", "merchant response", "evidence it sent"},
	"text-length":           {"written explanation", "written statement", "explanation", "characters", "word limit", "how many words", "how long can my"},
	"useful-evidence":       {"tips", "help my case", "strengthen my case", "useful", "good evidence", "best evidence", "good photo", "in good light", "what makes evidence"},
	"sign-up":               {"sign up", "signup", "register", "open an account", "create an account", "have a settle account", "who can have", "join settle"},
	"reviewer":              {"who looks at", "who reviews", "who decides", "same person", "different person", "not involved", "senior", "another reviewer", "different reviewer"},
	"after-appeal":          {"after the appeal", "after appeal", "still unhappy", "still disagree", "final decision", "what now", "next step", "after an appeal"},
	"merchant":              {"merchant", "shop", "store", "seller", "retailer", "vendor", "company", "brand"},
	"charge-date":           {"capture", "captured", "charge date", "charged on", "date charged", "date of the charge", "merchant charged your order", "order was charged"},
	"dispute-grouping":      {"separate disputes", "separate dispute", "one dispute", "same dispute", "each charge", "several charges", "multiple charges", "dispute each"},
	"change-payment-method": {"switch card", "change card", "change my card", "update my card", "switch my card", "different card", "new card", "change payment method", "changing your payment method", "change my payment method", "use another card", "use a different card"},
	"amount":                {"how much", "amount", "cost", "costs", "what do you charge", "price of"},
	"partial-refund":        {"only refunded half", "refunded half", "half refund", "partial refund", "only part", "not the full amount", "not the full refund", "less than i paid", "only refunded", "only part of it"},
	"notify-merchant":       {"merchant get told", "tell the merchant", "merchant is notified", "notify the merchant", "merchants are notified", "merchant find out", "merchant know", "merchant told", "inform the merchant"},
	"return-to-sender":      {"returned to sender", "return to sender", "being returned to the merchant", "sent back to the merchant", "returning to sender", "being sent back"},
	"merchant-resolution":   {"accept the replacement", "accept an offer", "accepted an offer", "accept the offer", "resolved by the merchant", "merchant resolution", "accept their offer", "took the replacement", "accept a replacement"},
}

// countWord is a small count, as in "2 of the 3" or "one of three".
var countWord = regexp.MustCompile(`^(\d{1,2}|one|two|three|four|five|six)$`)

// timeOfDay matches "3am", "10pm".
var timeOfDay = regexp.MustCompile(`^\d{1,2}(am|pm)$`)

type phrase struct {
	stems   []string
	concept string
}

// lexicon is the compiled concept map: single words by stem, phrases by
// their first stem, longest first.
type lexicon struct {
	words   map[string][]string
	phrases map[string][]phrase
}

var lex = compileLexicon(concepts)

func compileLexicon(c map[string][]string) *lexicon {
	l := &lexicon{words: map[string][]string{}, phrases: map[string][]phrase{}}
	for name, list := range c {
		for _, p := range list {
			toks := analyze(p)
			if len(toks) == 1 {
				l.words[toks[0].stem] = appendUnique(l.words[toks[0].stem], name)
				continue
			}
			stems := make([]string, len(toks))
			for i, t := range toks {
				stems[i] = t.stem
			}
			if !hasPhrase(l.phrases[stems[0]], stems, name) { // "came" and "come" stem alike
				l.phrases[stems[0]] = append(l.phrases[stems[0]], phrase{stems, name})
			}
		}
	}
	for k, ps := range l.phrases {
		sortPhrases(ps)
		l.phrases[k] = ps
	}
	return l
}

// sortPhrases orders longest first, then by text, so matching is
// deterministic whatever order the map was read in.
func sortPhrases(ps []phrase) {
	less := func(a, b phrase) bool {
		if len(a.stems) != len(b.stems) {
			return len(a.stems) > len(b.stems)
		}
		if x, y := strings.Join(a.stems, " "), strings.Join(b.stems, " "); x != y {
			return x < y
		}
		return a.concept < b.concept
	}
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && less(ps[j], ps[j-1]); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// maxSkip is how many filler words may sit between two words of a phrase.
const maxSkip = 2

// conceptsOf returns the concepts toks mention, in order, with repeats.
// At each position the longest phrase wins and its words are consumed, so
// "never turned up" says not-received and not also arrived.
func (l *lexicon) conceptsOf(toks []token) []string {
	var out []string
	consumed := make([]bool, len(toks))
	for i := 0; i < len(toks); i++ {
		if consumed[i] {
			continue
		}
		best := 0
		for _, p := range l.phrases[toks[i].stem] {
			if best > 0 && len(p.stems) < best {
				break
			}
			end, ok := matchPhrase(toks, i, p.stems)
			if !ok {
				continue
			}
			if best == 0 {
				best = len(p.stems)
				for j := i; j < end; j++ {
					consumed[j] = true
				}
			}
			out = append(out, p.concept)
		}
	}
	for i, t := range toks {
		if !consumed[i] {
			out = append(out, l.words[t.stem]...)
			out = append(out, patternConcepts(toks, i)...)
		}
	}
	return out
}

// patternConcepts catches what a word list cannot: "3am" is a time of day,
// "2 of the 3" is part of an order.
func patternConcepts(toks []token, i int) []string {
	w := toks[i].word
	if timeOfDay.MatchString(w) {
		return []string{"time-of-day"}
	}
	if !countWord.MatchString(w) || i+2 >= len(toks) || toks[i+1].word != "of" {
		return nil
	}
	j := i + 2
	if toks[j].word == "the" && j+1 < len(toks) {
		j++
	}
	if countWord.MatchString(toks[j].word) {
		return []string{"partial"}
	}
	return nil
}

// matchPhrase reports whether stems occur at toks[i:], allowing up to
// maxSkip stopwords between consecutive words, and where the match ends.
func matchPhrase(toks []token, i int, stems []string) (int, bool) {
	pos := i + 1
	for _, want := range stems[1:] {
		skipped := 0
		for pos < len(toks) && toks[pos].stem != want && toks[pos].stop && skipped < maxSkip {
			pos++
			skipped++
		}
		if pos >= len(toks) || toks[pos].stem != want {
			return 0, false
		}
		pos++
	}
	return pos, true
}

func hasPhrase(ps []phrase, stems []string, concept string) bool {
	for _, p := range ps {
		if p.concept == concept && strings.Join(p.stems, " ") == strings.Join(stems, " ") {
			return true
		}
	}
	return false
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// ConceptTerms spells the concepts text mentions as words full-text search
// can index and match ("kcnotreceived kcparcel"), each once, in order.
func ConceptTerms(text string) string {
	var out []string
	for _, c := range lex.conceptsOf(analyze(text)) {
		out = appendUnique(out, "kc"+strings.ReplaceAll(c, "-", ""))
	}
	return strings.Join(out, " ")
}

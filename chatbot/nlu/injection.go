package nlu

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Prompt-injection detection. Customer text is data, never instructions
// (DESIGN.md §4); nothing downstream acts on it anyway, so these rules exist
// to flag the attempt — for the guardrail, the handoff packet and ops — not
// to block it. Each rule names a family of attack, not a known string:
// overriding instructions, role-play and mode switches, forged speaker
// prefixes, claimed authority, tool-call syntax, requests for the prompt or
// for other customers' data, and the same hidden behind an encoding.

// An injectionRule raises signal when re matches. Regular expressions this
// size are slow in Go, so a rule runs only when its text contains one of
// triggers, words that every match of re must contain. A trigger list that
// misses a word re can match silently loses matches: TestInjectionTriggers
// checks every labelled line with and without the filter.
type injectionRule struct {
	signal   string
	triggers []string // lowercase
	re       *regexp.Regexp
}

// when splits a "|"-separated trigger list.
func when(triggers string) []string { return strings.Split(triggers, "|") }

// rx compiles a rule. Rules run on lowercased text, so they are written in
// lower case and need no (?i), which makes Go's matcher several times slower.
func rx(s string) *regexp.Regexp { return regexp.MustCompile(s) }

var injectionRules = []injectionRule{
	{"override_instructions", when("ignore|disregard|forget|override|bypass|skip|drop|abandon|discard"), rx(`\b(ignore|disregard|forget|override|bypass|skip|drop|abandon|discard)\b(\s+\w+){0,4}?\s+(instructions?|rules|prompts?|guidelines|polic(y|ies)|directives?|programming|constraints|restrictions|guardrails|safeguards|training|checks|engine)\b`)},
	{"override_instructions", when("instructions|system prompt|directives"), rx(`\b(new|updated|revised|real)\s+(instructions|system prompt|directives)\b`)},
	{"override_instructions", when("rules|instruction|polic|guidelines|checks|engine"), rx(`\b(no longer|don'?t|do not|stop)\s+(need to\s+)?(follow|obey|apply|check|use)\w*\s+(the\s+|your\s+|any\s+)?(rules|instructions|policy|policies|guidelines|checks|engine)`)},
	{"mode_switch", when("you are now|you will now|from now on"), rx(`\byou\s+are\s+now\s+(an?|the|in|my|no\s+longer|free|unrestricted|called|named)\b|\byou\s+will\s+now\s+(act|respond|behave|answer|reply|follow|obey|ignore)\b|\bfrom now on,?\s+(you|act|respond|reply|answer)\b`)},
	{"mode_switch", when("let|act like|acting like|behave like|hypothetical|fictional|imaginary|pretend|story|novel|script|game|poem|character|persona|approved|yes"), rx(`\blet'?s\s+play\b|\b(act|behave)\s+like\s+(an?\s+|the\s+|my\s+)?\w+|\bin\s+this\s+(hypothetical|fictional|imaginary|pretend)\b|\bfor\s+a\s+(story|novel|script|screenplay|game|poem)\b|\b(your|the)\s+(character|persona)\b|\b(respond|reply|answer|say)\s+(only\s+)?(with\s+)?["']?(approved|yes)["']?\s*(and nothing else|only)?\s*$`)},
	{"mode_switch", when("act|behave|pretend|role|play|imagine"), rx(`\b(act|behave)\s+as\s+(if\s+you\s+(are|were)\s+)?(an?\s+|the\s+|my\s+)?\w+|\bpretend\s+(to\s+be|you('re|\s+are)|that)\b|\brole-?\s?play\b|\bplay\s+the\s+role\b|\bimagine\s+you\s+are\b`)},
	{"mode_switch", when("mode|jailbreak|dan"), rx(`\b(developer|maintenance|debug|admin|god|test|unrestricted|jailbreak|sudo|root|dan)\s+mode\b|\bjailbreak|\bdo anything now\b`)},
	{"forged_speaker", when(":"), rx(`(^|\n|[.!?:;)\]"']\s*)\s*[\[<(#*-]*\s*(system|assistant|agent|admin|administrator|developer|operator|supervisor|support|staff|moderator|bot|settle(\s+\w+)?|tool|function)(\s+(note|override|memo|message|reply|response|update))?\s*[\]>)#*-]*\s*:`)},
	{"forged_speaker", when("note|override|memo|notice|instruction|this is"), rx(`\b(agent|support|staff|admin|supervisor|operator|internal|system)\s+(note|override|memo|notice|instruction)s?\b|\bthis is \w+(\s+\w+)?\s+(from|at|with)\s+(the\s+)?(\w+\s+){0,2}(team|department|desk)\b|\bnote to (the\s+)?(bot|assistant|ai|model)\b`)},
	{"forged_speaker", when("<|[|###"), rx(`<\|?(im_start|im_end|system|assistant|endoftext)\|?>|\[/?(inst|sys)\]|<</?sys>>|^\s*###\s*(system|instruction)`)},
	{"forged_speaker", when("message from|messages from|note from|notes from|update from|updates from|instruction from|instructions from"), rx(`\b(message|note|update|instruction)s?\s+from\s+(the\s+|your\s+)?(system|admin|administrator|developer|agent|supervisor|support team|staff|engineering|ops|compliance)\b`)},
	{"claimed_authority", when("admin|developer|engineer|supervisor|manager|employee|staff|agent|ops|operator|moderator"), rx(`\b(as|i am|i'm|im|this is)\s+(an?\s+|the\s+|your\s+)?(admin|administrator|developer|engineer|supervisor|manager|employee|staff member|agent|ops|operator|moderator)\s+((of|at|for|from)\s+(settle|this\s+(app|company|bank|service|lender)|your\s+(company|team|bank|app)|the\s+(company|lender|system|bank))|here\b|,?\s*i\s+(hereby\s+)?(authori[sz]e|approve|confirm|instruct|order))`)},
	{"claimed_authority", when("approved|authorised|authorized|signed off"), rx(`\b(agent|rep|representative|colleague|supervisor|manager|team|staff)\b.{0,30}\b(already\s+)?(approved|authori[sz]ed|signed off)\b.{0,30}\b(refund|claim|dispute|case|credit|payout)`)},
	{"claimed_authority", when("authori|approv|sanction|override code|code|auto|polic"), rx(`\bi\s+(hereby\s+)?(authori[sz]e|approve|sanction)\s+(a|the|this|my|an)?\s*(full\s+|immediate\s+)?(refund|payout|credit|reversal|override)|\b(pre-?approved|authori[sz]ed|approved)\s+by\s+(the\s+|your\s+|an?\s+)?(admin|administrator|agent|manager|supervisor|system|settle|team|staff)\b|\boverride\s+code\b|\bauto-?approv\w*|\bpolic(y|ies)\b.{0,40}\beffective\s+(today|immediately|now)\b`)},
	{"tool_call", when("\""), rx(`[{,]\s*"(name|tool|function|action|arguments|args|parameters|command|cmd|tool_calls?|function_call|refund|amount|status|decision|outcome)"\s*:`)},
	{"tool_call", when("<"), rx(`</?\s*(tool_call|tool|function_call|function|invoke|system|assistant|instructions?|command|execute)\b[^>]*>`)},
	{"tool_call", when("_"), rx(`\b(refund|approve|close|cancel|issue|resolve|update|set|delete|transfer|pay|credit|escalate|decide|mark|waive)[a-z]*_[a-z_]+|_(refund|approve|close|cancel|resolve|update|delete|transfer|payment|credit|dispute|case|decision)`)},
	{"tool_call", when("("), rx(`\b(refund|approve|close|cancel|resolve|pay|credit|transfer|escalate|decide)\w*\s*\(\s*\w+\s*[=:)]`)},
	{"tool_call", when("get /|post /|put /|patch /|delete /"), rx(`\b(get|post|put|patch|delete)\s+/\S+`)},
	{"tool_call", when("tool|function|api|endpoint|command|_"), rx(`\b(call|invoke|run|execute|trigger|use)\s+(the\s+|your\s+|a\s+)?(tool|function|api|endpoint|command)s?\b|\b[a-z]+_[a-z_]+\s*\(|\b(call|invoke|run|execute|trigger|use)\s+(the\s+|your\s+)?[\w.-]+\s+(tool|function|api|endpoint|command)\b|\bfunction_call\b|\btool_calls?\b`)},
	{"tool_abuse", when("no questions|no checks|no verification|no review"), rx(`\bno\s+questions\s+asked\b|\bno\s+(checks|verification|review)\b`)},
	{"tool_abuse", when("without|skip|bypass"), rx(`\bwithout\s+(any\s+|the\s+|further\s+)?(checks?|verification|review|approval|evidence)\b|\b(skip|bypass)\s+(the\s+|any\s+)?(checks?|verification|review|approval|fraud)`)},
	{"tool_abuse", when("mark |set |change |update |flag "), rx(`\b(mark|set|change|update|flag)\s+(it|this|that|them|my\s+\w+|the\s+\w+|every\s+\w+|all\s+\w+)(\s+\w+){0,3}?\s+(as\s+|to\s+)?(resolved|closed|approved|paid|refunded|won|in my favou?r|customer[_ ]favou?r|zero|0)\b`)},
	{"tool_abuse", when("disput|case|claim|delete|erase|wipe|set "), rx(`\b(close|resolve|approve|refund|cancel|delete|decide)\s+(all|every|each)\s+(\w+\s+){0,2}?(disputes?|cases?|claims?)\b|\b(delete|erase|wipe)\s+(my\s+|the\s+)?(debt|records?|history|logs?|audit)\b|\bset\s+(my\s+|the\s+)?(balance|amount|limit|credit limit)\s+to\b`)},
	{"prompt_leak", when("system|hidden|secret|internal|developer|initial|original|instructions|rules|guidelines|prompt|above|summari|paraphrase|translate"), rx(`\b(system|hidden|secret|internal|developer|initial)\s+(prompt|instructions?|message|configuration|rules|guidelines)\b|\boriginal\s+(prompt|instructions)\b|\b(instructions|rules|guidelines|prompt)\s+(that\s+)?(you\s+)?(were|have been|'ve been|was)\s+(given|told|programmed|trained)|\b(first|earlier|previous)\s+message\s+(in|of)\s+(this|the)\s+(conversation|chat)|\b(written|said|text)\s+above\s+(this|my)\s+message|\b(summari[sz]e|paraphrase|translate)\s+your\s+(instructions|rules|prompt)`)},
	{"prompt_leak", when("your|prompt"), rx(`\b(reveal|show|print|repeat|tell|give|output|display|leak|share|paste|dump|list|recite|spell out|what (are|were))\b(\s+\w+){0,3}?\s+(your\s+(instructions?|prompt|configuration|config|directives|programming|training data|guidelines)|the\s+(system\s+)?prompt)\b`)},
	{"prompt_leak", when("above|before|prior|you told|you instructed|you programmed|were you|are you|verbatim"), rx(`\b(repeat|print|output)\s+(everything|all|the text|the words)\s+(above|before|prior)|\bwhat\s+(were|are)\s+you\s+(told|instructed|programmed)|\bverbatim\b`)},
	{"other_customer_data", when("customer|user|client|account holder"), rx(`\b(other|another|different|all|every|any)\s+(customers?|users?|clients?|account holders?)('s?)?\s*(\w+\s+){0,2}?(data|details|orders?|accounts?|information|info|emails?|address(es)?|phone|numbers?|cards?|transactions|disputes|names|history|balances?|records)\b`)},
	{"other_customer_data", when("account|customer|user|person|buyer|people|else|other|his |her |their "), rx(`\b(email|e-mail|phone|address|card|balance|name|details|orders?|purchases|payment schedule|transactions)\s+(address\s+|number\s+)?(of|for|on|under|belonging to|linked to|registered to)\s+(the\s+|this\s+|that\s+)?(account|customer|user|person|buyer)\b(?:\s+(?:who|that|with|number|id|#))?|\b(who|which)\s+(else|other\s+(customers|users|people))\s+(has|have|bought|ordered|are|is|got)\b|\bwhich\s+(customers|users|people)\b|\b(customers|users|people|the\s+person|the\s+customer)\s+who\s+(bought|ordered|placed|owns|has|have|made)\b|\b(tell|show|give|read|send)\s+me\s+(\w+\s+){0,3}?(his|her|their)\s+(card|email|address|phone|orders?|payments?|balance|details|account|number|schedule|purchases)\b`)},
	{"other_customer_data", when("customers|users|accounts|account holders|in the system|customer id|customer number|customer #|user id|user number|user #|account id|account number|account #"), rx(`\b(list|show|give|tell|send|export|dump|look up|lookup|pull up|find)\s+(me\s+)?(all|every|the)\s+(customers|users|accounts|account holders|orders in the system|disputes in the system)\b|\b(customer|user|account)\s+(id|number|#)\s*:?\s*\w*\d\w*\b.{0,40}\b(details|orders|email|address|phone|balance|info)`)},
	{"other_customer_data", when("someone|somebody|another person|another customer|neighbo|friend|my ex|wife|husband|partner|brother|sister|mum|mom|dad|mother|father|boss|colleague|flatmate|roommate"), rx(`\b(access|log ?in(to)?|see|view|check|show( me)?|look up|tell me( about)?|give me|send me|pull up|read|what|which)\s+(\w+\s+){0,3}?(someone|somebody|another person|another customer|my\s+(neighbou?r|friend|ex|wife|husband|partner|brother|sister|mum|mom|dad|mother|father|boss|colleague|flatmate|roommate))('?s)?\s+(else'?s?\s+)?(account|orders?|details|payments?|data|balance|purchases|address|email|phone|card)\b`)},
	{"prompt_leak", when("your|programmed|set up|configured|context|memory|history|logs"), rx(`\b(what|show|tell|repeat|print|give)\b.{0,20}\byour\s+(prompt|instructions|system message|configuration|setup|context|memory)\b|\bwhat\s+(were|are)\s+you\s+(programmed|set up|configured)|\b(dump|print|show)\s+(your\s+|the\s+)?(context|memory|conversation history|logs)\b`)},
	{"other_customer_data", when("previous|last|other|another|look up|find|search for|pull up|named|called|on file|registered|someone else|somebody else"), rx(`\b(previous|last|other|another)\s+(customer|user|person|caller|chat|conversation)s?('s)?\s+(said|say|asked|ask|wrote|message|messages|conversation|chat|data|details|orders?|account)\b|\b(look\s+up|find|search for|pull up)\s+(me\s+)?(a|an|the|another)?\s*(customer|account|person|user|cardholder)\b|\b(customer|account|user|person)\s+(named|called)\b|\b(email|phone|address)\s+(on file|registered)\s+for\b|\b(show|give|tell|send|access|see|view|check|read|look at|pull up|find)\s+(me\s+)?(\w+\s+){0,2}?someone\s+else'?s?\s+(account|orders?|details|card|data|payments?|address)\b`)},
	{"forged_speaker", when(" here"), rx(`\b(agent|support|staff|admin|operator|supervisor)\s+\w*\s*here\b[.:,!]`)},
	{"forged_speaker", when("official|automated|system"), rx(`\b(official|automated|system)\s+(notice|message|notification)\b`)},
	{"forged_speaker", when("<"), rx(`</?\s*(agent|staff|admin|support|operator)\s*>`)},
	{"forged_speaker", when("#"), rx(`#+\s*(agent|support|staff|admin)\b`)},
	{"mode_switch", when("no longer|you're now|youre now|you re now|new role|new persona|new identity|character|unfiltered|uncensored|opposite|simulat|grandma"), rx(`\byou\s+are\s+no\s+longer\b|\byou'?re\s+now\b|\bnew\s+(role|persona|identity)\b|\bstay\s+in\s+character\b|\b(unfiltered|uncensored|opposite)\s+(mode|version|ai|assistant)\b|\bsimulat(e|ion)\b.{0,30}\b(bot|assistant|ai|agent|system|mode)\b|\bgrandma\b.{0,60}\b(code|refund|card|password|key)s?\b`)},
	{"tool_abuse", when("favour|favor|change|update|edit|modify|overwrite"), rx(`\b(rule|decide|resolve|close|settle|mark)\s+(it|this|that|the\s+\w+|my\s+\w+)\s+(\w+\s+)?in\s+my\s+favou?r\b|\b(change|update|edit|modify|overwrite)\s+(the\s+|my\s+)?(amount|price|balance|status|decision|outcome|record|risk score|credit limit)\s+(to|of)\b`)},
	{"encoding", when("base|rot|hex|encoded|cipher|morse|decod|deciph|follow|execute|run|obey|comply|carry out"), rx(`\b(base ?64|rot ?13|hex(adecimal)?|encoded|cipher|morse|decode\w*|decipher\w*)\b.{0,60}\b(follow|execute|run|obey|do what|instructions?|comply|carry out)\b|\b(follow|execute|run|obey|comply with|carry out)\b.{0,40}\b(base ?64|rot ?13|hex|encoded|cipher|decoded)\b`)},
	{"override_instructions", when("ignor|negeer|oubliez|vergiss"), rx(`\b(ignorez|ignora|ignore[nz]|ignoriere|ignorieren|negeer|ignorar|ignoruj|oubliez|vergiss)\b.{0,40}\b(instructions|istruzioni|anweisungen|instrucciones|instructies|instrukcje|regeln|règles|regole|reglas)\b`)},
}

// detectInjection returns the injection signals in text, sorted and
// distinct. It also looks behind the cheap disguises: spaced-out letters,
// leetspeak, invisible characters, and base64 or hex blobs that decode to
// text.
func detectInjection(text string) []string { return detectWith(text, true) }

// detectWith is detectInjection, with or without the trigger filter (tests
// check that the filter changes no answer).
func detectWith(text string, filter bool) []string {
	var found []string
	for _, variant := range injectionVariants(text) {
		found = append(found, matchRules(variant, filter)...)
	}
	for _, decoded := range decodedBlobs(text) {
		if len(matchRules(decoded, filter)) > 0 {
			found = append(found, "encoding")
		}
	}
	if hasInvisible(text) {
		found = append(found, "encoding")
	}
	slices.Sort(found)
	return slices.Compact(found)
}

// matchRules returns the signals of the rules text matches.
func matchRules(text string, filter bool) []string {
	var out []string
	lower := strings.ToLower(text)
	for _, r := range injectionRules {
		if (!filter || triggered(lower, r.triggers)) && r.re.MatchString(lower) {
			out = append(out, r.signal)
		}
	}
	return out
}

func triggered(lower string, triggers []string) bool {
	for _, t := range triggers {
		if strings.Contains(lower, t) {
			return true
		}
	}
	return false
}

// injectionVariants returns text with look-alike letters folded, and its
// reversed, percent-decoded, leetspeak-folded and letter-spacing-collapsed
// ("i g n o r e") forms.
func injectionVariants(text string) []string {
	clean := foldConfusables(stripInvisible(text))
	out := []string{clean, reverse(clean)}
	if un := unescapeCodes(clean); un != clean {
		out = append(out, un)
	}
	if dec, err := url.PathUnescape(clean); err == nil && dec != clean {
		out = append(out, dec)
	}
	if leet := unleet(clean); leet != clean {
		out = append(out, leet)
	}
	if squeezed := collapseSpacedLetters(clean); squeezed != clean {
		out = append(out, squeezed)
	}
	return out
}

func reverse(s string) string {
	rs := []rune(s)
	slices.Reverse(rs)
	return string(rs)
}

// confusables are letters from other scripts that look Latin: "іgnоre" with
// a Cyrillic і and о reads as "ignore" to people and models alike.
var confusables = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's',
	'ԁ': 'd', 'ɡ': 'g', 'һ': 'h', 'ո': 'n', 'ս': 'u', 'ν': 'v', 'ο': 'o', 'ι': 'i', 'κ': 'k', 'τ': 't',
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T',
	'Х': 'X', 'І': 'I', 'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O',
	'Ρ': 'P', 'Τ': 'T', 'Χ': 'X', 'Υ': 'Y', 'Ζ': 'Z',
}

var reEscapes = regexp.MustCompile(`\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|&#x([0-9a-fA-F]{1,6});|&#(\d{1,7});`)

// unescapeCodes decodes \x69, \u0069 and &#105; escapes.
func unescapeCodes(s string) string {
	return reEscapes.ReplaceAllStringFunc(s, func(m string) string {
		sub := reEscapes.FindStringSubmatch(m)
		for i, base := range []int{16, 16, 16, 10} {
			if sub[i+1] != "" {
				if n, err := strconv.ParseInt(sub[i+1], base, 32); err == nil && utf8.ValidRune(rune(n)) {
					return string(rune(n))
				}
			}
		}
		return m
	})
}

// foldConfusables maps look-alike letters and full-width forms to ASCII.
func foldConfusables(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFF01 + '!'
		}
		if r >= 0x1F1E6 && r <= 0x1F1FF { // regional indicators: 🇮🇬🇳🇴🇷🇪
			return r - 0x1F1E6 + 'a'
		}
		if c, ok := confusables[r]; ok {
			return c
		}
		return r
	}, s)
}

var leetMap = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s", "!", "i")

// unleet folds digits inside words only, so amounts and dates survive.
func unleet(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if hasLetter(w) && strings.ContainsAny(w, "013457@$!") && !strings.ContainsAny(w, ".,") {
			words[i] = leetMap.Replace(w)
		}
	}
	return strings.Join(words, " ")
}

func hasLetter(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

var reSpaced = regexp.MustCompile(`\b(?:\pL[ .\-_]){3,}\pL\b`)

func collapseSpacedLetters(s string) string {
	return reSpaced.ReplaceAllStringFunc(s, func(m string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) {
				return r
			}
			return -1
		}, m)
	})
}

var reBase64 = regexp.MustCompile(`[A-Za-z0-9+/]{16,}={0,2}`)
var reHexBlob = regexp.MustCompile(`\b(?:[0-9a-fA-F]{2}[ ]?){12,}\b`)

// decodedBlobs decodes base64 and hex runs that turn into mostly printable
// text, the way an attacker hides "ignore your instructions" from a filter
// that reads only the surface.
func decodedBlobs(text string) []string {
	var out []string
	for _, m := range reBase64.FindAllString(text, -1) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
			if b, err := enc.DecodeString(m); err == nil && printable(b) {
				out = append(out, string(b))
				break
			}
		}
	}
	for _, m := range reHexBlob.FindAllString(text, -1) {
		if b, err := hex.DecodeString(strings.ReplaceAll(m, " ", "")); err == nil && printable(b) {
			out = append(out, string(b))
		}
	}
	return out
}

func printable(b []byte) bool {
	if len(b) < 8 || !utf8.Valid(b) {
		return false
	}
	n := 0
	for _, r := range string(b) {
		if unicode.IsPrint(r) || unicode.IsSpace(r) {
			n++
		}
	}
	return n*10 >= utf8.RuneCount(b)*9
}

func isInvisible(r rune) bool {
	return r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' ||
		(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') || (r >= 0xE0000 && r <= 0xE007F)
}

func hasInvisible(s string) bool { return strings.IndexFunc(s, isInvisible) >= 0 }

func stripInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		if isInvisible(r) {
			return -1
		}
		return r
	}, s)
}

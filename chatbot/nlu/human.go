package nlu

import "sync"

// Asking for a person must always work (DESIGN.md §1.3), so wants_human is a
// rule, not a guess: a request verb aimed at a person, a rejection of the
// bot, a callback, or a message that is nothing but a person noun. A negated
// request ("I don't need an agent") does not count, and neither does the past
// ("I talked to an agent yesterday"), which is why the verbs are exact words.

// Strong person nouns name staff; weak ones ("someone") count only after a
// verb of contact, since "looks like someone used my card" is no request.
const (
	personNouns = "human|humans|person|agent|agents|representative|rep|manager|supervisor|operator|staff|advisor|adviser|colleague|employee"
	weakPersons = "someone|somebody|anyone|anybody|people"
	contactVerb = "=speak|=talk|=chat|=connect|=transfer|=escalate|=put|=pass|=hand|=switch|=reach|=contact|=call|=get|=give"
)

var humanPatterns = []string{
	contactVerb + "|=need|=want|=prefer|=like|=love|=request|=deal ~ ~ " + personNouns,
	contactVerb + "|=need|=want ~ ~ " + weakPersons,
	"=speak|=talk|=chat|=connect|=transfer|=escalate ~ support|service|team|department",
	"=escalate|escalation",
	"member of staff",
	"real|actual|live|proper ~ " + personNouns + "|" + weakPersons,
	weakPersons + " real",
	"human being|agent|please|pls|now",
	"customer service|support representative|rep|agent|team",
	"callback", "call|ring|phone me", "call back", "phone call",
	"not|no|stop|done|hate|without|instead ~ ~ bot|chatbot|robot|machine|automated|ai",
	"rather ~ ~ " + personNouns + "|" + weakPersons,
	personNouns + "|" + weakPersons + " ~ can|could ~ talk|speak|chat|message|call",
	"=put|=transfer|=connect|=pass|=hand me ?through|over|across $|please|pls|now|to|through|over|with",
	"live chat|support|help|person|people|agent|operator",
	"customer care|service|services|support|help $|please|pls|now|team|department|line",
	"off ~ bot|chatbot|chat|robot",
	"complaint|complaints department|team",
	"someone|somebody|member|people from|of your|the team|staff|company",
	"real|actual one $",
	"can|could|may i have|get ~ " + personNouns,
	"human|humans|agent|agents|representative|operator|advisor available|here|there|around|online",
}

var compiledHuman = sync.OnceValue(func() []pattern {
	ps := make([]pattern, len(humanPatterns))
	for i, src := range humanPatterns {
		ps[i] = compilePattern(src)
	}
	return ps
})

// bareHumanWords are the words a message may consist of and still be
// nothing but a request for a person: "agent pls", "AGENT!!", "Representative."
var bareHumanWords = map[string]bool{
	"human": true, "agent": true, "person": true, "operator": true, "representative": true,
	"rep": true, "manager": true, "supervisor": true, "staff": true, "advisor": true,
	"please": true, "now": true, "a": true, "an": true, "the": true, "real": true, "live": true,
	"customer": true, "service": true, "support": true, "i": true, "want": true, "need": true,
	"talk": true, "speak": true, "to": true, "hello": true, "hi": true, "stop": true, "just": true,
	"get": true, "me": true, "can": true, "chat": true, "urgent": true, "urgently": true, "pls": true,
}

var bareHumanNouns = map[string]bool{
	"human": true, "agent": true, "person": true, "operator": true, "representative": true,
	"rep": true, "manager": true, "supervisor": true, "staff": true, "advisor": true,
}

// wantsHuman reports whether the message asks for a person.
func wantsHuman(toks []token) bool {
	if bareHumanRequest(toks) {
		return true
	}
	for _, p := range compiledHuman() {
		found := false
		p.match(toks, func(_ int, negated bool) { found = found || !negated })
		if found {
			return true
		}
	}
	return false
}

func bareHumanRequest(toks []token) bool {
	noun := false
	for _, t := range toks {
		if t.word == boundary {
			continue
		}
		if !bareHumanWords[t.word] && !bareHumanWords[t.stem] {
			return false
		}
		noun = noun || bareHumanNouns[t.word] || bareHumanNouns[t.stem]
	}
	return noun
}

package nlu

import "testing"

func TestWantsHuman(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"can I speak with someone", true},
		{"is there anyone I can talk to", true},
		{"put me through please", true},
		{"transfer me", true},
		{"I want to speak with your manager", true},
		{"live chat please", true},
		{"actual human please", true},
		{"customer service please", true},
		{"I need to speak to someone who can actually help", true},
		{"get me off this bot", true},
		{"connect me with support", true},
		{"someone from your team please", true},
		{"can a member of your team call me", true},
		{"i want speak with person", true},
		{"need human help", true},
		{"can I get a call back", true},
		{"this is pointless, I want a real one", true},
		{"escalate", true},
		{"can I have a human", true},
		{"any humans here?", true},
		{"AGENT. AGENT. AGENT.", true},
		{"Representative.", true},
		{"stop, operator", true},
		{"my parcel never came and I'm not talking to a bot about it", true},
		{"I'd rather deal with a real human", true},

		{"I talked to an agent yesterday and they said it's fixed", false},
		{"I don't need a human, just tell me the date", false},
		{"no need for an agent, thanks", false},
		{"looks like someone used my card", false},
		{"someone bought stuff on my account", false},
		{"the delivery person left it at the wrong door", false},
		{"the agent at the store was rude", false},
		{"I spoke to a person in the shop who said it was fine", false},
		{"the seller won't call me back", false},
		{"hello? anyone there?", false},
		{"are you a bot?", false},
		{"Do you have a phone number?", false},
		{"you're useless", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := wantsHuman(tokenize(tt.text)); got != tt.want {
				t.Fatalf("wantsHuman(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

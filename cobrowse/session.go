package cobrowse

import (
	"slices"
	"time"

	"github.com/settlehq/settle/internal/errs"
)

// Status is where a cobrowse session stands.
type Status string

const (
	StatusRequested       Status = "requested"        // an agent asked; the customer has not been told yet
	StatusAwaitingConsent Status = "awaiting_consent" // the customer was asked (notified, or read the request)
	StatusActive          Status = "active"           // consent receipt stored: gated events flow to the agent
	StatusEnded           Status = "ended"            // for good; nothing flows, the recording is closed
)

// Step is something that moves a session.
type Step string

const (
	StepDeliver Step = "deliver" // the request reached the customer
	StepGrant   Step = "grant"   // the customer granted (or changed) capabilities
	StepDecline Step = "decline" // the customer declined or withdrew consent
	StepEnd     Step = "end"     // either side ended it, or it timed out
)

// transitions is the whole session lifecycle; anything not listed is illegal.
// A grant on an active session changes its capabilities (control granted
// later, or revoked) and keeps it active.
var transitions = map[Status]map[Step]Status{
	StatusRequested:       {StepDeliver: StatusAwaitingConsent, StepGrant: StatusActive, StepDecline: StatusEnded, StepEnd: StatusEnded},
	StatusAwaitingConsent: {StepDeliver: StatusAwaitingConsent, StepGrant: StatusActive, StepDecline: StatusEnded, StepEnd: StatusEnded},
	StatusActive:          {StepGrant: StatusActive, StepDecline: StatusEnded, StepEnd: StatusEnded},
}

// Next returns where step leads from a status, or a 409 error. It is pure.
func Next(from Status, step Step) (Status, error) {
	if to, ok := transitions[from][step]; ok {
		return to, nil
	}
	if from == StatusEnded {
		return from, errs.Conflictf("session_ended", "the cobrowse session has ended")
	}
	return from, errs.Conflictf("illegal_transition", "a cobrowse session that is %s cannot %s", from, step)
}

// Capability is something the customer lets the agent do.
type Capability string

const (
	CapView    Capability = "view"    // see the redacted page
	CapPointer Capability = "pointer" // show a pointer and highlight elements
	CapDraw    Capability = "draw"    // draw over the page
	CapControl Capability = "control" // click, scroll and type on the customer's behalf
)

// AllCapabilities lists every capability in a stable order.
var AllCapabilities = []Capability{CapView, CapPointer, CapDraw, CapControl}

// defaultRequest is what an agent asks for when they name nothing: control
// is requested separately, later, when it is needed.
var defaultRequest = []Capability{CapView, CapPointer, CapDraw}

// Has reports whether c is among caps.
func Has(caps []Capability, c Capability) bool { return slices.Contains(caps, c) }

// checkCapabilities validates a list of capabilities for field: known names,
// no repeats, view included (nothing else makes sense without seeing). It
// returns them in canonical order.
func checkCapabilities(field string, caps []Capability) ([]Capability, error) {
	if len(caps) == 0 {
		return nil, errs.Invalidf(field, "%s must list at least \"view\"", field)
	}
	seen := map[Capability]bool{}
	for _, c := range caps {
		if !slices.Contains(AllCapabilities, c) {
			return nil, errs.Invalidf(field, "%q is not a capability: use view, pointer, draw or control", c)
		}
		if seen[c] {
			return nil, errs.Invalidf(field, "%q is listed twice", c)
		}
		seen[c] = true
	}
	if !seen[CapView] {
		return nil, errs.Invalidf(field, "%s must include \"view\"", field)
	}
	out := make([]Capability, 0, len(seen))
	for _, c := range AllCapabilities {
		if seen[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

// Party is who ended a session.
type Party string

const (
	PartyCustomer Party = "customer"
	PartyAgent    Party = "agent"
	PartySystem   Party = "system"
)

// End reasons, stored with the session and sent in the close frame.
const (
	EndByCustomer     = "ended_by_customer"
	EndByAgent        = "ended_by_agent"
	EndDeclined       = "declined"
	EndWithdrawn      = "consent_withdrawn"
	EndIdle           = "idle_timeout"
	EndConsentTimeout = "consent_timeout"
	EndRecording      = "recording_failed"
)

// Origin is how a session was started.
type Origin string

const (
	OriginDispute Origin = "dispute" // by the agent owning an escalated dispute
	OriginCode    Origin = "code"    // with a code the customer read out
)

// Session is one cobrowse session. Policy is the privacy policy it runs
// under, fixed at creation.
type Session struct {
	ID             string       `json:"session_id"`
	Status         Status       `json:"status"`
	Origin         Origin       `json:"origin"`
	DisputeID      string       `json:"dispute_id,omitempty"`
	CustomerID     string       `json:"customer_id"`
	AgentID        string       `json:"agent_id"`
	Requested      []Capability `json:"requested_capabilities"`
	Capabilities   []Capability `json:"capabilities"`
	PolicyVersion  string       `json:"policy_version"`
	CreatedAt      time.Time    `json:"created_at"`
	DeliveredAt    *time.Time   `json:"delivered_at"`
	ConsentedAt    *time.Time   `json:"consented_at"`
	EndedAt        *time.Time   `json:"ended_at"`
	EndReason      string       `json:"end_reason,omitempty"`
	EndedBy        Party        `json:"ended_by,omitempty"`
	LastActivityAt time.Time    `json:"-"`
	Version        int          `json:"-"` // bumped by every state change
	Policy         Policy       `json:"-"`
}

// Consented reports whether the customer's consent receipt is stored and in
// force: the only state in which customer events reach an agent.
func (s Session) Consented() bool { return s.Status == StatusActive && Has(s.Capabilities, CapView) }

// endMessage is the close reason the session's sockets get when it ends.
func (s Session) endMessage() string {
	switch s.EndReason {
	case EndByCustomer:
		return "session ended by the customer"
	case EndByAgent:
		return "session ended by the agent"
	case EndDeclined:
		return "the customer declined the session"
	case EndWithdrawn:
		return "the customer withdrew consent"
	case EndIdle:
		return "session ended: no activity from the customer's app for too long"
	case EndConsentTimeout:
		return "session ended: the customer did not answer the request"
	case EndRecording:
		return "session ended: the recording could not be stored"
	}
	return "session ended"
}

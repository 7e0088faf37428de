// Package chatbot is the customer-facing conversation: NLU (a local classifier
// trained on the labelled utterances under nlu/data, or an OpenAI-compatible
// model), a deterministic dialogue policy, grounded replies with citations,
// guardrails, and the handoff packet for agents. Customer text is data, never
// instructions: nothing in this package can move money or change a decision
// except through the disputes policy engine.
package chatbot

// Package nlu understands one customer message: is it a dispute, for which
// reason (DESIGN.md §3), what facts it states (order, merchant, item, amount,
// dates), whether the customer asks for a person, and whether the text tries
// to instruct the bot. Two engines implement Engine: Local, linear
// classifiers (an ensemble of logistic regression, NB-LR and complement
// naive Bayes for the reason) trained at process start on data/train.jsonl
// plus rules for slots, people and injection; and LLM, any OpenAI-compatible model called
// with one forced tool, which falls back to Local whenever the model fails.
// Redact masks card numbers, CVCs, IBANs, emails and phone numbers; callers
// use it before storing text or sending it anywhere.
//
// This package only reads text and proposes. It never moves money, opens a
// dispute or reads the clock: time comes in Context, and every amount it
// extracts is a hint for finding an order, not a figure to pay. Only
// train.jsonl is ever learned from; heldout.jsonl, realistic.jsonl and
// adversarial.jsonl exist to measure it (settle eval nlu).
package nlu

// Package disputes is Settle's domain core. It holds the order book that every
// dispute reads — customers, merchants, orders with their lines and lifecycle
// events, and BNPL payment plans as installments — and, as it grows, the dispute
// reasons, lifecycle, payment pause, deadlines, the policy engine and the HTTP
// routes for customers, merchants, agents and ops.
//
// Money is always integer minor units with an ISO currency. A payment plan's
// installments always sum exactly to the order's captured amount (the database
// checks it at commit); refunds are recorded beside installments, never by
// changing their amounts. This package never imports knowledge, chatbot or
// cobrowse.
package disputes

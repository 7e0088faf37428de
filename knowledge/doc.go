// Package knowledge holds the lender's policy corpus (markdown under policies/,
// with stable section ids such as returns-and-refunds#3.2) and will hold its
// chunking, embedders and the pgvector + full-text hybrid retrieval that cites
// the sections an answer comes from. It never imports disputes, chatbot or
// cobrowse, and it never answers without saying which section it used.
package knowledge

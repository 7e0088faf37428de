// Command settle is the one Settle binary: the HTTP server and its operational
// tools (serve, migrate, seed, staff, merchant; ingest, triage, eval and bench
// join as their features land). main is thin: it parses the command line, and
// each command loads the config, builds the pool and the services it needs and
// wires them together; routes.go is the one place that mounts every endpoint.
package main

// Package db opens the PostgreSQL pool and runs transactions. It is the only place
// that knows how Settle connects; feature packages take a *pgxpool.Pool or a Querier
// and own their SQL.
package db

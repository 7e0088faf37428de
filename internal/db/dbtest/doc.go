// Package dbtest gives each test its own migrated PostgreSQL database. The first
// caller in a test binary migrates a template database (named by a hash of the
// migrations, so a schema change builds a new one; guarded by an advisory lock, so
// parallel test binaries build it once); each test then clones the template with
// CREATE DATABASE … TEMPLATE, which takes milliseconds, and drops its clone in
// t.Cleanup. Tests use a real server: set SETTLE_TEST_DATABASE_URL to point at
// another one (default postgres://postgres@127.0.0.1:5432/postgres).
package dbtest

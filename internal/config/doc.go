// Package config reads Settle's settings from the environment once, into a typed
// struct, and reports every invalid variable by name. Secrets are held in Secret so
// that printing the config (which serve does at start) never reveals them.
package config

// Package clock supplies the current time. Code that needs "now" takes a Clock so
// tests can fix it; nothing in Settle calls time.Now directly outside this package.
package clock

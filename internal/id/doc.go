// Package id makes the string identifiers Settle hands out: a short type prefix and
// 20 characters of base32 randomness ("ord_5h2k…"), so an id says what it names and
// cannot be guessed. The randomness source is injected so seeds and tests are
// deterministic.
package id

//go:build race

package outbox_test

// Under the race detector the 10,000-DM simulation takes two minutes; a
// fifth of it exercises the same code.
func init() { dmBacklog = 2_000 }

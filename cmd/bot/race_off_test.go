//go:build !race

package main

// raceEnabled: under the race detector the tests compute more than they
// wait (see testsAtOnce).
const raceEnabled = false

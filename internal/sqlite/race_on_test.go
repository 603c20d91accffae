//go:build race

package sqlite

// raceEnabled: under the race detector load tests measure nothing.
const raceEnabled = true

package main

import (
	"context"
	"slices"
	"testing"
	"time"
)

// The bot gives its free memory back at each quiet tick, and only then:
// a tick over which an envelope came or a message went is left alone.
func TestMemoryIsReturnedOnlyWhenIdle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		activity []int64 // read at start, then at each tick
		want     []int   // the ticks that release
	}{
		{"quiet from the start", []int64{7, 7, 7, 7}, []int{1, 2, 3}},
		{"busy, then quiet", []int64{0, 5, 6, 6, 6}, []int{3, 4}},
		{"quiet, a burst, quiet again", []int64{2, 2, 9, 9}, []int{1, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			ticks := make(chan time.Time)
			reads := 0 // the loop's own goroutine reads and releases
			activity := func() int64 { reads++; return tc.activity[reads-1] }
			var released []int
			done := make(chan struct{})
			go func() {
				defer close(done)
				returnMemoryWhenIdle(ctx, ticks, activity, func() { released = append(released, reads-1) })
			}()
			for range len(tc.activity) - 1 {
				ticks <- time.Time{}
			}
			// The last tick is taken and done before the loop looks at ctx.
			cancel()
			<-done
			if !slices.Equal(released, tc.want) {
				t.Errorf("released at ticks %v, want %v", released, tc.want)
			}
		})
	}
}

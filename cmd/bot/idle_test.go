package main

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"testing/synctest"
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

// Memory is given back at Slack's hello only once the start's own work
// beside the connection is done: given back before, what that work then
// mapped in stayed. A later hello (a reconnection) gives it back at once.
func TestMemoryIsGivenBackAtHelloOnlyOnceTheStartsWorkIsDone(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		tasks := []chan struct{}{make(chan struct{}), make(chan struct{}), make(chan struct{})}
		started := make(chan struct{})
		go closeWhenDone(started, tasks[0], tasks[1], tasks[2])
		var released atomic.Int32
		hello := onceStarted(started, func() { released.Add(1) })
		go hello()
		for i, task := range tasks {
			synctest.Wait()
			if n := released.Load(); n != 0 {
				for _, rest := range tasks[i:] { // lets closeWhenDone end with the bubble
					close(rest)
				}
				t.Fatalf("memory given back %d times at the hello with %d of the start's %d tasks done", n, i, len(tasks))
			}
			close(task)
		}
		synctest.Wait()
		if n := released.Load(); n != 1 {
			t.Fatalf("memory given back %d times once the start's work was done, want 1", n)
		}
		go hello()
		synctest.Wait()
		if n := released.Load(); n != 2 {
			t.Fatalf("memory given back %d times after a reconnection's hello, want 2", n)
		}
	})
}

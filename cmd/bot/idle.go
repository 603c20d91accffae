package main

import (
	"context"
	"time"
)

// idleEvery is how long the bot must have done nothing before it gives
// back the memory it holds free, and how often it does so again while
// nothing happens.
const idleEvery = time.Minute

// returnMemoryWhenIdle calls release (debug.FreeOSMemory) at each tick
// over which activity did not move: no envelope came and no message went.
//
// An idle bot still polls its outbox and renews its sender lease, about
// 15 kB of garbage a second; the Go runtime lets its heap grow to its 4 MB
// goal before it collects, and keeps what it freed for the next burst. So
// a bot left alone grew from 20.5 MB at start to 24.6-24.9 MB after a few
// minutes and stayed there; released once a minute while quiet, it stays
// at 22.2-22.9 MB (README, Performance). A tick with any work skips it:
// under load the runtime's own pacing serves the acks, not a forced
// collection.
func returnMemoryWhenIdle(ctx context.Context, ticks <-chan time.Time, activity func() int64, release func()) {
	last := activity()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		}
		if now := activity(); now != last {
			last = now
			continue
		}
		release()
	}
}

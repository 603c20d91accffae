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

// onceStarted returns what runs at each of Slack's hellos (slackbot's
// OnHello, in a goroutine of its own): release, once started is closed.
//
// The start's own work runs beside Socket Mode's connection (the
// scheduler's first pass, the database's quick_check, the digest's check
// against the managers' zones) and maps in much of the executable as it
// goes: released at a hello that came before its end, 3-12 MB of the
// executable's pages were mapped again a second after start, where a
// release after that work leaves 2.5 MB (the shared harness, 2026-12-02:
// 17-22 MB resident in all, against 10). A later hello (a reconnection)
// releases at once.
func onceStarted(started <-chan struct{}, release func()) func() {
	return func() {
		<-started
		release()
	}
}

// closeWhenDone closes started once every one of tasks is closed.
func closeWhenDone(started chan<- struct{}, tasks ...<-chan struct{}) {
	for _, t := range tasks {
		<-t
	}
	close(started)
}

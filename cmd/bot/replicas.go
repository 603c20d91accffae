package main

import (
	"context"
	"errors"
	"time"

	"github.com/coachlog/coachlog/internal/leader"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// senderRole is the role whose holder delivers the outbox. Slack's rate
// limits are per workspace, so among replicas only one sends, and its
// pacer is the workspace's.
const senderRole = "sender"

// Upkeep of the sender: how long claims of handled envelopes are kept
// (Slack retries for minutes), and how often they are pruned.
const (
	claimsKept = 24 * time.Hour
	// A finished message's response_url and text are kept this long (for a
	// look after an incident), then emptied (sqlite.Store.ScrubOutbox).
	outboxKept  = 24 * time.Hour
	pruneEvery  = time.Hour
	pruneBudget = 30 * time.Second
)

// replicaStore is what replicas share beyond the domain's store: envelope
// claims and the sender role's lease. The SQLite and PostgreSQL stores
// both implement it.
type replicaStore interface {
	leader.Store
	ClaimEnvelope(ctx context.Context, key string, at time.Time, stale time.Duration) (bool, error)
	PruneEnvelopes(ctx context.Context, cutoff time.Time) (int64, error)
	ScrubOutbox(ctx context.Context, cutoff time.Time, after int64) (int64, error)
}

var _ replicaStore = (*sqlite.Store)(nil)

// envelopeClaims claims envelopes in the store every replica shares.
type envelopeClaims struct {
	st  replicaStore
	now func() time.Time
}

func (c envelopeClaims) Claim(ctx context.Context, key string, stale time.Duration) (bool, error) {
	return c.st.ClaimEnvelope(ctx, key, c.now(), stale)
}

// holderHost names this machine on the sender role's lease ("": its host
// name). Only tests set it, before anything runs, so that serve processes
// on one machine play replicas on several hosts: a dead one's role is then
// waited out, not taken at once.
var holderHost = ""

// newElector is this replica's contender for the sender role.
func (a *app) newElector() *leader.Elector {
	return leader.New(leader.Config{Store: a.store, Role: senderRole, Holder: leader.HolderNameOn(holderHost),
		TTL: a.cfg.SenderLease, Now: a.svc.Now, Logger: a.log, Check: a.schema.check})
}

// runSender contends for the sender role until ctx ends, running the
// outbox worker only while this replica holds it: the others still ack,
// store sessions and queue messages, which the holder delivers. When ctx
// ends the worker is stopped and the role given back, so another replica
// takes it at once rather than after the lease.
func (a *app) runSender(ctx context.Context) {
	var stop context.CancelFunc
	var done chan struct{}
	stopWorker := func() {
		if stop != nil {
			stop()
			<-done
			stop, done = nil, nil
		}
	}
	upkeep := make(chan struct{})
	go func() {
		defer close(upkeep)
		a.senderUpkeep(ctx)
	}()
	a.elector.Run(ctx, func(held bool) {
		if !held {
			stopWorker()
			return
		}
		if stop != nil {
			return
		}
		var wctx context.Context
		wctx, stop = context.WithCancel(ctx)
		done = make(chan struct{})
		go func(done chan struct{}) {
			defer close(done)
			if err := a.worker.Run(wctx); err != nil {
				a.log.Error("outbox delivery stopped", "err", err)
			}
		}(done)
	})
	stopWorker()
	<-upkeep
}

// senderUpkeep is what the holder of the sender role does now and then
// beside delivering: act on commands a dead replica acknowledged but never
// acted on, forget old envelope claims, and empty finished messages of
// their response_urls and text.
func (a *app) senderUpkeep(ctx context.Context) {
	every := a.cfg.SenderLease
	t := time.NewTicker(every)
	defer t.Stop()
	var pruned time.Time
	var scrubbed int64 // the outbox is scrubbed up to this id
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !a.elector.Held() {
			continue
		}
		// A live replica acts on a command within seconds of its ack;
		// one still pending after two leases was left by a replica gone.
		a.bot.ReplayOrphans(ctx, a.svc.Now().Add(-2*every))
		if now := a.svc.Now(); now.Sub(pruned) >= pruneEvery {
			pctx, cancel := context.WithTimeout(ctx, pruneBudget)
			n, err := a.store.PruneEnvelopes(pctx, now.Add(-claimsKept))
			if err == nil {
				scrubbed, err = a.store.ScrubOutbox(pctx, now.Add(-outboxKept), scrubbed)
			}
			cancel()
			if err != nil {
				a.log.Warn("could not prune envelope claims or scrub the outbox; retrying later", "err", err)
				continue
			}
			pruned = now
			a.log.Debug("pruned handled envelope claims", "count", n)
		}
	}
}

// deliverAsSender delivers the messages queued under keys, as a command
// such as `coachlog nudge` does before it exits, without adding its own
// pace to a running sender's: when no replica holds the sender role the
// command takes it and delivers (renewing it as it goes), then gives it
// back; when a serve replica holds it, that replica delivers them and the
// command waits for the outcome. It returns the keys that failed.
func (a *app) deliverAsSender(ctx context.Context, keys []string) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	defer a.elector.Release()
	for {
		held, err := a.elector.Tick(ctx)
		if err != nil {
			return nil, err
		}
		if held {
			// Deliver for as long as the lease is sure, then renew.
			lctx, cancel := context.WithTimeout(ctx, a.elector.HeldFor())
			failed, err := a.worker.Deliver(lctx, keys)
			cancel()
			if err == nil || ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
				return failed, err
			}
			continue
		}
		failed, pending, err := a.worker.Outcome(ctx, keys)
		if err != nil {
			return nil, err
		}
		if !pending {
			return failed, nil
		}
		a.worker.Notify()
		t := time.NewTimer(senderPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// senderPoll is how often a command waiting on another replica's sender
// looks at its messages.
const senderPoll = 200 * time.Millisecond

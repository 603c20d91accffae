package outbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/failrun"
	"github.com/coachlog/coachlog/internal/panics"
)

// Policy bounds retries.
type Policy struct {
	BaseDelay   time.Duration // first retry delay; doubled each attempt
	MaxDelay    time.Duration
	MaxAttempts int           // then the message is failed, visibly
	WaitForPost time.Duration // how often an update re-checks for its post
	ResponseTTL time.Duration // a response_url is used this long after it was issued; later, the message's fallback
	Lease       time.Duration // how long a claimed message is this worker's alone
}

// DefaultPolicy retries for about an hour before giving up.
func DefaultPolicy() Policy {
	return Policy{BaseDelay: time.Second, MaxDelay: 5 * time.Minute, MaxAttempts: 15,
		WaitForPost: 500 * time.Millisecond, ResponseTTL: coaching.ResponseURLLife, Lease: 2 * time.Minute}
}

// Stats counts what the worker did, for metrics.
type Stats struct {
	Sent, Retried, Failed, RateLimited int64
	// Panics counts messages whose rendering or sending panicked; each is
	// also counted in Failed.
	Panics int64
}

// Worker delivers the outbox until its context ends or a fatal error stops it.
type Worker struct {
	q      Queue
	send   Sender
	pace   *Pacer
	policy Policy
	now    func() time.Time
	log    *slog.Logger
	owner  string // this worker's name on the leases it takes

	sleep func(context.Context, time.Duration) error

	wake, wakeReplies chan struct{}

	mu      sync.Mutex
	stats   Stats
	stopped error // the fatal error that stopped delivery
	// lastFailure is the last send that failed since one went through,
	// for /healthz to name Slack's answer beside a stuck outbox.
	lastFailure error
	// booked holds the pacing slot booked for each message put back to
	// wait for it: when the message comes due, the slot is its own and it
	// goes without asking again. In memory only: after a restart the pacer
	// starts afresh too.
	booked map[int64]booking
	// held says what delivery is held on: Slack refusing the install or
	// the workspace (class Held), until a send goes through.
	held map[heldOn]Hold

	// sending keeps two sends that change one Slack message from
	// overlapping (see keyLocks).
	sending keyLocks
	retries failrun.Runs // sends to retry by method and failureKind, warned of once per retryLogEvery
}

// Options configure a Worker.
type Options struct {
	Policy Policy
	Pacer  *Pacer // nil: Slack's usual limits
	Now    func() time.Time
	Logger *slog.Logger
	// Sleep waits d or until ctx ends; default a timer. A test running on
	// a simulated clock advances its clock instead.
	Sleep func(ctx context.Context, d time.Duration) error
}

// NewWorker returns a worker delivering q through s.
func NewWorker(q Queue, s Sender, o Options) *Worker {
	w := &Worker{q: q, send: s, pace: o.Pacer, policy: o.Policy, now: o.Now, log: o.Logger, sleep: o.Sleep,
		wake: make(chan struct{}, 1), wakeReplies: make(chan struct{}, 1), owner: ownerName(), booked: map[int64]booking{}, held: map[heldOn]Hold{},
		retries: failrun.Runs{Every: retryLogEvery}}
	if w.sleep == nil {
		w.sleep = sleep
	}
	if w.policy == (Policy{}) {
		w.policy = DefaultPolicy()
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.pace == nil {
		w.pace = NewPacer(SlackLimits(), w.now)
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	return w
}

// Notify wakes the worker: something was queued.
func (w *Worker) Notify() {
	for _, c := range []chan struct{}{w.wake, w.wakeReplies} {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// Stopped returns the fatal error that stopped delivery, if any.
func (w *Worker) Stopped() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stopped
}

// Stop stops delivery for err, Slack refusing the bot token: to a send of
// the outbox's own (class Fatal), to any other call (a form's views.open,
// a profile's users.info: slackbot.WatchToken), or said by Slack
// (tokens_revoked). Every post and update would be refused too; the
// replies to clicks and commands go on (see Run). The first stop is kept,
// and logged; it reports whether this one stopped delivery.
func (w *Worker) Stop(err error) bool {
	w.mu.Lock()
	first := w.stopped == nil
	if first {
		w.stopped = err
	}
	w.mu.Unlock()
	if first {
		w.log.Error("outbox stopped: Slack refuses the bot token, or said it is gone", "err", err)
		w.Notify() // the main loop sees it now, not at its next pass
	}
	return first
}

// LastFailure is the error of the last send that failed, nil when none
// failed since one went through.
func (w *Worker) LastFailure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastFailure
}

func (w *Worker) noteFailure(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lastFailure = err
}

// Stats returns counts so far.
func (w *Worker) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stats
}

// Run delivers until ctx ends. It returns the fatal error that stopped
// delivery, or nil. Stopped by a token Slack refused, it goes on with the
// replies to people's clicks and commands (replyLane) until ctx ends: a
// response_url takes no token. It starts by giving back the leases of
// processes gone from this host, so what a crash left claimed goes out at
// once.
func (w *Worker) Run(ctx context.Context) error {
	defer w.release()
	rctx, cancel := context.WithTimeout(ctx, reclaimTimeout)
	w.reclaim(rctx)
	cancel()
	replies := make(chan struct{})
	go func() {
		defer close(replies)
		w.replyLane(ctx)
	}()
	defer func() { <-replies }()
	passes := newPassLog("outbox pass", w.log, w.now)
	for {
		if err := w.drain(ctx, nil, pacedOps); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if w.Stopped() != nil {
				<-ctx.Done() // the replies go on meanwhile
				return err
			}
			passes.fail(ctx, err)
		} else {
			passes.ok(ctx)
		}
		wait := time.Second
		if next, ok, err := w.q.NextOutboxAt(ctx, nil); err == nil && ok {
			wait = w.idle(next)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-w.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Drain delivers everything due now, returning when nothing due is left (or
// only messages waiting for a later time): the last act of a shutdown.
func (w *Worker) Drain(ctx context.Context) error { return w.drain(ctx, nil, allOps) }

// replyLane delivers the replies to a person's own click (response_url)
// apart from the paced methods: a rep's Confirm updates their DM at once,
// not after the posts a pass is waiting on under chat.postMessage's limit.
// A reply queued is announced by Notify; a retry due later is found within
// a second. It goes on after a refused token stopped the rest: a reply
// goes to its response_url, which takes no token, and a manager whose
// command was saved but never answered would type it again.
func (w *Worker) replyLane(ctx context.Context) {
	passes := newPassLog("outbox reply pass", w.log, w.now)
	for {
		switch err := w.drain(ctx, nil, replyOps); {
		case err == nil:
			passes.ok(ctx)
		case ctx.Err() == nil:
			passes.fail(ctx, err)
		}
		t := time.NewTimer(time.Second)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-w.wakeReplies:
			t.Stop()
		case <-t.C:
		}
	}
}

// Deliver delivers the messages queued under keys, waiting out retries and
// rate limits, until none is pending or ctx ends. It returns the keys whose
// message failed. Commands that post call it before they exit.
func (w *Worker) Deliver(ctx context.Context, keys []string) (failed []string, err error) {
	if len(keys) == 0 {
		return nil, nil
	}
	defer w.release()
	for {
		if err := w.drain(ctx, keys, allOps); err != nil {
			return nil, err
		}
		next, pending, err := w.q.NextOutboxAt(ctx, keys)
		if err != nil {
			return nil, err
		}
		if !pending {
			break
		}
		if err := w.sleep(ctx, w.idle(next)); err != nil {
			return nil, err
		}
	}
	failed, _, err = w.Outcome(ctx, keys)
	return failed, err
}

// Outcome says where the messages queued under keys stand: the keys whose
// message failed, and whether any is still pending.
func (w *Worker) Outcome(ctx context.Context, keys []string) (failed []string, pending bool, err error) {
	status, err := w.q.OutboxStatus(ctx, keys)
	if err != nil {
		return nil, false, err
	}
	for _, k := range keys {
		switch status[k] {
		case "pending":
			pending = true
		case "failed":
			failed = append(failed, k)
		}
	}
	return failed, pending, nil
}

// idle is how long to wait before the next pass when the next pending
// message comes due at next. A message already due was left unclaimed for
// want of room under a method's limit, so the wait is until some method
// has room again.
func (w *Worker) idle(next time.Time) time.Duration {
	now := w.now()
	wait := next.Sub(now)
	if wait <= 0 {
		wait = time.Second
		for _, op := range allOps {
			m := method(op)
			if w.pace.Room(m, claimHorizon) == 0 {
				wait = min(wait, w.pace.Ready(m).Add(-claimHorizon).Sub(now))
			}
		}
	}
	return min(max(wait, 5*time.Millisecond), time.Second)
}

// sleep waits d, or less if ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// claimBatch bounds one claim.
const claimBatch = 100

// claimHorizon is how far ahead a claim looks: it takes what each method's
// limit lets the worker send within it, so that under a steady limit one
// claim serves several messages rather than one.
const claimHorizon = time.Second

// allOps are the operations the worker delivers, each paced by its Slack
// method: the paced ones in the main loop, the replies to clicks in a lane
// of their own (replyLane).
var (
	allOps   = []coaching.Op{coaching.OpPost, coaching.OpUpdate, coaching.OpPublish, coaching.OpRespond}
	pacedOps = []coaching.Op{coaching.OpPost, coaching.OpUpdate, coaching.OpPublish}
	replyOps = []coaching.Op{coaching.OpRespond}
)

// needsToken reports whether any of ops calls the Web API with the bot
// token: all but a reply, which goes to its response_url.
func needsToken(ops []coaching.Op) bool {
	for _, op := range ops {
		if op != coaching.OpRespond {
			return true
		}
	}
	return false
}

// lanes says how many messages of each op to claim: as many as the op's
// method can send now (within the in-process wait), so that none is
// claimed only to be put back. A post may still wait for its channel's own
// limit; it is then booked a slot and put back once, scheduled for it.
func (w *Worker) lanes(ops []coaching.Op) (map[coaching.Op]int, bool) {
	lanes := make(map[coaching.Op]int, len(ops))
	room := false
	for _, op := range ops {
		lanes[op] = min(w.pace.Room(method(op), claimHorizon), claimBatch)
		room = room || lanes[op] > 0
	}
	return lanes, room
}

func (w *Worker) drain(ctx context.Context, keys []string, ops []coaching.Op) error {
	for {
		if err := w.Stopped(); err != nil && needsToken(ops) {
			return err
		}
		w.forgetStaleBookings()
		lanes, room := w.lanes(ops)
		if !room {
			return nil
		}
		claimed := w.now()
		items, err := w.q.ClaimOutboxLanes(ctx, w.owner, claimed, w.policy.Lease, lanes, keys)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		send, superseded := coalesce(items)
		for _, it := range superseded {
			held, err := w.q.MarkSuperseded(ctx, it.ID, w.owner)
			if err != nil {
				return err
			}
			if !held {
				w.leftToOther(ctx, &job{OutboxItem: it}, "mark superseded")
			}
		}
		if err := w.deliverAll(ctx, send, claimed); err != nil {
			return err
		}
	}
}

// RepliesAtOnce is how many replies through a response_url are in flight
// together: a whole claim's worth (claimBatch). Each is an HTTP round trip
// to Slack, tens to hundreds of milliseconds; PRODUCT.md wants hundreds of
// reps clicking at once answered within a second. One at a time, at 300 ms
// a round trip, the last of 200 waited a minute; 32 at once, about two
// seconds; a claim in one go, 300 clicks at 150 ms are all answered in half
// a second (BenchmarkHundredsOfClicksAtOnce). Over HTTP/2 they share one
// connection; over HTTP/1.1 the client should keep as many idle.
const RepliesAtOnce = claimBatch

// DeferredRepliesAtOnce bounds, among those, the replies of deferred kinds
// (coaching.DeferredKinds: managers' receipts), which nobody is waiting on
// the way a rep waits on their click: a burst of logged forms queues one
// each, and a hundred at once, each its own connection to Slack over
// HTTP/1.1 and its own rendering, cost 6 MB of peak memory on the shared
// harness (46 MB against PRODUCT.md's 50) for nothing anyone sees.
const DeferredRepliesAtOnce = 32

// deliverAll delivers a claim's messages: the paced methods one after
// another in order, replies up to RepliesAtOnce at once (of deferred kinds,
// DeferredRepliesAtOnce). A claim holds one message per Slack message at
// most (coalesce), and sends of one message take turns (sending), so
// nothing arrives out of order.
func (w *Worker) deliverAll(ctx context.Context, items []coaching.OutboxItem, claimed time.Time) error {
	var (
		wg       sync.WaitGroup
		slots    = make(chan struct{}, RepliesAtOnce)
		deferred = make(chan struct{}, DeferredRepliesAtOnce)
		mu       sync.Mutex
		first    error
	)
	note := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = err
		}
	}
	stopped := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return first != nil
	}
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			note(err) // stop between messages; release() gives back the rest
			break
		}
		if stopped() {
			break
		}
		j := &job{OutboxItem: it, leaseUntil: claimed.Add(w.policy.Lease)}
		if it.Message.Op != coaching.OpRespond {
			if err := w.deliver(ctx, j); err != nil {
				note(err)
			}
			continue
		}
		lane := slots
		if it.Message.Kind.Deferred() {
			lane = deferred
		}
		lane <- struct{}{}
		wg.Go(func() {
			defer func() { <-lane }()
			if err := w.deliver(ctx, j); err != nil {
				note(err)
			}
		})
	}
	wg.Wait()
	return first
}

// release gives back the messages this worker claimed but did not finish,
// when it stops (a shutdown, a revoked token, a command's deadline), so
// that the next worker takes them at once instead of after the lease.
func (w *Worker) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := w.q.ReleaseLeases(ctx, w.owner); err != nil {
		w.log.Warn("could not release outbox leases; they expire on their own", "err", err)
	}
}

// coalesce keeps only the last of several pending updates of the same
// message (or publishes of the same home): each renders the state current at
// delivery, so the earlier ones would show nothing new. Only what a message
// carries beyond that, a Home notice, could be lost; so of publishes, the
// last one carrying a payload is kept, if any: the last notice wins. Of
// those without, one of an urgent kind is kept over a deferred one (a
// manager's own opening of their Home over a refresh for a rep's answer):
// the claim sends urgent messages first, and the one kept goes in its
// place.
func coalesce(items []coaching.OutboxItem) (send, superseded []coaching.OutboxItem) {
	last := map[string]int{}
	for i, it := range items {
		k := coalesceKey(it.Message)
		if k == "" {
			continue
		}
		j, seen := last[k]
		switch {
		case !seen, len(it.Message.Payload) > 0:
			last[k] = i
		case len(items[j].Message.Payload) == 0 && (!it.Message.Kind.Deferred() || items[j].Message.Kind.Deferred()):
			last[k] = i
		}
	}
	for i, it := range items {
		if k := coalesceKey(it.Message); k != "" && last[k] != i {
			superseded = append(superseded, it)
		} else {
			send = append(send, it)
		}
	}
	return send, superseded
}

func coalesceKey(m coaching.Message) string {
	switch m.Op {
	case coaching.OpUpdate:
		return changeKey(m.Key)
	case coaching.OpRespond:
		// A response that replaces a posted message (a rep's DM after
		// their click) updates the same message as chat.update would.
		if m.Replace && m.Key != "" {
			return changeKey(m.Key)
		}
	case coaching.OpPublish:
		return "p:" + m.To
	}
	return ""
}

// changeKey names the changes of the posted message key: its updates, and
// the responses that replace it.
func changeKey(key string) string { return "u:" + key }

// sendKey names the Slack message a send changes, when another send may
// change it too: a DM or a Home (coalesceKey), or a message replaced
// through its response_url (a manager's receipt, by Undo and Edit).
func sendKey(m coaching.Message) string {
	if k := coalesceKey(m); k != "" {
		return k
	}
	if m.Op == coaching.OpRespond && m.Replace {
		return "r:" + m.ResponseURL
	}
	return ""
}

// job is a claimed message and how long this worker holds it.
type job struct {
	coaching.OutboxItem
	leaseUntil time.Time
	// unposted marks an update of a message the Sender withheld when it
	// came to be posted: it goes as that post instead (priorPost).
	unposted bool
	// covered are the updates of a post queued before it was rendered:
	// the post shows what they would, and they are superseded with it.
	covered []int64
}

func (w *Worker) deliver(ctx context.Context, it *job) error {
	m := it.Message
	if m.Op == coaching.OpRespond && w.responseExpired(it) {
		return w.fallBack(ctx, it, "response_url expired before delivery")
	}
	var prior *coaching.Posted
	if key := priorKey(m); key != "" {
		p, ready, withheld, err := w.priorPost(ctx, it, key)
		if err != nil || !ready {
			return err
		}
		switch {
		case withheld && m.Op == coaching.OpUpdate:
			// Nobody saw the message: showing its state now is a post,
			// paced as one. The Sender may withhold it again.
			conv := *it
			conv.Message.Op, conv.unposted = coaching.OpPost, true
			it, m = &conv, conv.Message
		case withheld:
			// A reply under a message nobody saw has nothing to follow.
			w.log.DebugContext(ctx, "outbox reply dropped: the message it follows was withheld", "outbox_id", it.ID,
				"kind", string(m.Kind))
			_, err := w.record(ctx, it, "mark sent", func(ctx context.Context) (bool, error) { return w.q.MarkSent(ctx, it.ID, w.owner, "", nil) })
			return err
		default:
			prior = p
		}
	}
	if err := w.paced(ctx, it); err != nil {
		if errors.Is(err, errLater) {
			return nil
		}
		return err
	}
	// A send once started is finished and recorded even if the worker is
	// told to stop meanwhile: cutting it short could leave a message Slack
	// accepted unmarked, to be posted again by the next worker.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	posted, err := w.sendGuarded(sctx, it, prior)
	bctx := context.WithoutCancel(ctx)
	if err == nil {
		w.count(func(s *Stats) { s.Sent++ })
		w.noteFailure(nil)
		w.unhold(bctx, m)
		if posted != nil && m.Op == coaching.OpPost {
			// Where a post to m.To lands is the channel its posts are
			// paced in from now on (a user id's DM, which other messages
			// name by its own id).
			w.pace.Landed(m.To, posted.Channel)
		}
		_, err := w.record(bctx, it, "mark sent", func(ctx context.Context) (bool, error) {
			return w.q.MarkSent(ctx, it.ID, w.owner, m.Key, posted, it.covered...)
		})
		return err
	}
	e := classify(err)
	switch {
	case e.Class == Gone:
		return w.fallBack(bctx, it, e.Error())
	case e.Class == ThreadGone && prior != nil && m.ThreadKey != "" && coaching.RepostsGoneThread(m.Kind):
		return w.threadGone(bctx, it, prior, e)
	}
	return w.handleFailure(bctx, it, e)
}

// threadGone answers a digest's reply Slack refused because the headline
// it threads under is gone (deleted in the channel since it was posted):
// the headline is queued again, once in its life
// (coaching.MaxThreadReposts), with the replies of its thread, this one
// among them, to follow it in a fresh thread. Past that, or with the
// headline's text no longer kept, the reply fails for good, saying why;
// `coachlog digest --week` then posts the headline again on an admin's
// word.
func (w *Worker) threadGone(ctx context.Context, it *job, prior *coaching.Posted, e *Error) error {
	w.noteFailure(e)
	var res coaching.RepostedThread
	_, err := w.record(ctx, it, "repost the thread", func(ctx context.Context) (bool, error) {
		var err error
		res, err = w.q.RepostThread(ctx, it.Message.ThreadKey, prior.TS, coaching.MaxThreadReposts, it.ID, w.owner)
		return true, err
	})
	if err != nil {
		return err
	}
	if !res.Reposted {
		// Slack's code ends the reason, as SlackCode reads it.
		return w.fail(ctx, it, "the message it replies to is gone (deleted) and is not posted again "+
			"(posted again already, failed itself, or its text no longer kept): "+e.Error())
	}
	if res.Queued {
		w.log.WarnContext(ctx, "outbox thread's first message is gone from Slack (deleted): posting it again, its replies follow it",
			"outbox_id", it.ID, "kind", string(it.Message.Kind), "thread_key", it.Message.ThreadKey, "to", it.Message.To,
			"replies_again", res.Replies, "replies_lost", res.Lost)
	}
	return nil
}

// sendTimeout bounds one send.
const sendTimeout = 30 * time.Second

// sendGuarded sends one message, turning a panic while rendering or
// sending it into a permanent failure of that message alone: left to run,
// it would take the process down, and again at every start, since the
// message would still be waiting.
func (w *Worker) sendGuarded(ctx context.Context, it *job, prior *coaching.Posted) (posted *coaching.Posted, err error) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		w.count(func(s *Stats) { s.Panics++ })
		w.log.ErrorContext(ctx, "outbox send panicked", "outbox_id", it.ID, "kind", string(it.Message.Kind),
			"op", string(it.Message.Op), "panic", panics.Text(p), "stack", string(debug.Stack()))
		posted, err = nil, &Error{Class: Permanent, Method: method(it.Message.Op),
			Err: fmt.Errorf("rendering or sending it panicked (%s); the stack is in the log", panics.Text(p))}
	}()
	lock := sendKey(it.Message)
	if it.unposted {
		lock = changeKey(it.Message.Key) // still the update's lock
	}
	defer w.sending.lock(lock)()
	m, prior, err := w.lastLook(ctx, it, prior)
	if err != nil {
		return nil, err
	}
	return w.send.Send(ctx, m, prior)
}

// lastLook settles what a send is, under its message's send lock and just
// before the Sender renders it. An update going as its withheld post goes
// as an update after all if another update of the message posted it while
// this one waited for the lock: a second post would show it twice. A post
// notes the updates of it queued so far (job.covered): an edit made while
// it waited (a Monday backlog) is in what it renders now, and the update
// would only add news of a change from a version nobody saw. Read before
// the rendering, these are updates whose change the post shows; one
// committed later is not among them and goes.
func (w *Worker) lastLook(ctx context.Context, it *job, prior *coaching.Posted) (coaching.Message, *coaching.Posted, error) {
	m := it.Message
	switch {
	case it.unposted:
		p, ok, err := w.q.PostedMessage(ctx, m.Key)
		if err != nil {
			return m, nil, err
		}
		if ok {
			m.Op, prior = coaching.OpUpdate, &p
		}
	case m.Op == coaching.OpPost && m.Key != "":
		covered, err := w.q.PendingUpdates(ctx, m.Key)
		if err != nil {
			return m, nil, err
		}
		it.covered = covered
	}
	return m, prior, nil
}

// The bookkeeping after a send is retried in process, so that a message
// Slack accepted is not sent again because its row could not be updated
// for a while (another process holding SQLite's write lock past the busy
// timeout: a roster import, a backup). It goes on while this worker holds
// the message's lease, extending it when half of it is gone, so no other
// worker can take the message meanwhile. What is left is a crash between
// Slack's answer and the commit.
const (
	recordFirstDelay = 50 * time.Millisecond
	recordMaxDelay   = 2 * time.Second
	recordAttempt    = 10 * time.Second // one attempt's bound
	// recordExtendFor bounds how long leases are extended for failing
	// bookkeeping: a database that takes the extension but never the
	// bookkeeping has a fault retrying will not mend.
	recordExtendFor = 10 * time.Minute
)

// record runs fn, the bookkeeping of one message, until it commits, the
// lease is lost, or the lease runs out with no way to extend it. It
// reports whether fn applied: false when another worker had taken the
// message (logged; not an error: the message is that worker's now).
func (w *Worker) record(ctx context.Context, it *job, what string, fn func(context.Context) (bool, error)) (bool, error) {
	ctx = context.WithoutCancel(ctx) // a stopping worker still records what it did
	delay, start := recordFirstDelay, w.now()
	unreachable := false // the last try to extend the lease could not reach the database
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, recordAttempt)
		held, err := fn(actx)
		cancel()
		if err == nil {
			if !held {
				w.leftToOther(ctx, it, what)
				return false, nil
			}
			if attempt > 1 {
				w.log.InfoContext(ctx, "outbox bookkeeping done after retries", "outbox_id", it.ID, "what", what, "attempts", attempt)
			}
			return true, nil
		}
		if errors.Is(err, coaching.ErrStoreGone) {
			// The row and its lease are in a file no start will open
			// again: retrying mends nothing, and held a stopping bot for
			// the lease's two minutes.
			w.log.ErrorContext(ctx, "outbox bookkeeping refused: the database file is gone", "outbox_id", it.ID, "what", what, "err", err)
			return false, fmt.Errorf("%s for outbox row %d: %w", what, it.ID, err)
		}
		if left := it.leaseUntil.Sub(w.now()); left < w.policy.Lease/2 && w.now().Sub(start) < recordExtendFor {
			actx, cancel := context.WithTimeout(ctx, recordAttempt)
			held, xerr := w.q.ExtendLease(actx, it.ID, w.owner, w.now().Add(w.policy.Lease))
			cancel()
			switch {
			case xerr == nil && held:
				it.leaseUntil = w.now().Add(w.policy.Lease)
				unreachable = false
			case xerr == nil:
				w.log.ErrorContext(ctx, "outbox message lost its lease before its bookkeeping; it may be sent again",
					"outbox_id", it.ID, "what", what, "err", err)
				return false, fmt.Errorf("%s for outbox row %d: lease lost: %w", what, it.ID, err)
			default:
				unreachable = true
			}
		}
		// Past the lease, this worker gives up only when the database says
		// the lease is gone, or has been out of reach for recordExtendFor:
		// giving up means the message is claimed and sent again, and while
		// the database cannot be reached (a PostgreSQL failover longer than
		// the lease) no other worker that shares this one's way to it can
		// take the row either.
		if !w.now().Before(it.leaseUntil) && (!unreachable || w.now().Sub(start) >= recordExtendFor) {
			w.log.ErrorContext(ctx, "outbox bookkeeping failed until the lease ran out; the message may be sent again",
				"outbox_id", it.ID, "what", what, "attempts", attempt, "err", err)
			return false, fmt.Errorf("%s for outbox row %d: %w", what, it.ID, err)
		}
		if attempt == 1 {
			w.log.WarnContext(ctx, "outbox bookkeeping failed; retrying while the lease is held", "outbox_id", it.ID, "what", what, "err", err)
		}
		t := time.NewTimer(delay)
		<-t.C
		delay = min(delay*2, recordMaxDelay)
	}
}

// leftToOther notes a message this worker's claim no longer holds, found
// where it would record what it did: it stalled past its lease (a GC pause,
// a network stall) and another worker took the message, which is that
// worker's to finish. Only the message's id and what was being recorded
// are logged, never its text.
func (w *Worker) leftToOther(ctx context.Context, it *job, what string) {
	w.log.WarnContext(ctx, "outbox message taken by another worker past this one's lease; left to it",
		"outbox_id", it.ID, "kind", string(it.Message.Kind), "op", string(it.Message.Op), "what", what)
}

// maxInlineWait is how near a channel's slot must be for a message to wait
// for it in process; a farther one (a channel's one post a second) sends
// the message back to the queue so other channels carry on meanwhile. The
// method's own slot is waited for in process up to claimHorizon beyond it
// (see paced); only a 429's hold pushes it farther, back to the queue.
const maxInlineWait = 250 * time.Millisecond

var errLater = errors.New("postponed")

// paced waits for the message's slot under the rate limits. A post to a
// busy channel is booked the channel's next slot and, unless that is close,
// put back in the queue until then (errLater): other channels carry on
// meanwhile, and the message is touched once more only when it can go.
// The method's own limit is waited out in process, up to claimHorizon:
// the worker claimed no more than that limit lets it send within it. Only
// a 429 arriving meanwhile puts messages back for the method's sake.
func (w *Worker) paced(ctx context.Context, it *job) error {
	m := method(it.Message.Op)
	now := w.now()
	w.mu.Lock()
	b, booked := w.booked[it.ID]
	delete(w.booked, it.ID)
	w.mu.Unlock()
	// A booked slot is the message's own only close to its time: sent
	// much later, booked slots would bunch into a burst the limit never
	// allowed.
	if booked && now.Sub(b.at) > staleBooking {
		booked = false
	}
	if !booked {
		b = booking{at: w.pace.BookChannel(m, it.Message.To)}
	}
	if !b.method && b.at.Sub(now) <= maxInlineWait {
		b = booking{at: w.pace.BookMethod(m, b.at), method: true}
	}
	wait := b.at.Sub(now)
	if wait <= 0 {
		return nil
	}
	if b.method && wait <= claimHorizon+maxInlineWait {
		return w.sleep(ctx, wait)
	}
	// Put back for its channel's slot, it keeps its place in line (a
	// digest's thread is not behind what its lane queued meanwhile); put
	// back for the method's (a 429's hold), it goes behind.
	postpone := w.q.PostponeInPlace
	if b.method {
		postpone = w.q.Postpone
	}
	held, err := postpone(ctx, it.ID, w.owner, b.at)
	if err != nil {
		return err
	}
	if !held {
		w.leftToOther(ctx, it, "postpone")
		return errLater
	}
	w.mu.Lock()
	w.booked[it.ID] = b
	w.mu.Unlock()
	return errLater
}

// booking is the slot a message put back waits for: its channel's, and
// with method, its method's too.
type booking struct {
	at     time.Time
	method bool
}

// staleBooking is how late after its slot a message may still go on it.
const staleBooking = time.Second

// forgetStaleBookings drops bookings of messages that never came back
// (another worker took them, or they failed), so the map stays small.
func (w *Worker) forgetStaleBookings() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.booked) < 10_000 {
		return
	}
	cut := w.now().Add(-time.Minute)
	for id, b := range w.booked {
		if b.at.Before(cut) {
			delete(w.booked, id)
		}
	}
}

// priorKey names the posted message a message needs first: the one an
// update changes, or the one a reply threads under.
func priorKey(m coaching.Message) string {
	switch {
	case m.Op == coaching.OpUpdate:
		return m.Key
	case m.Op == coaching.OpPost && m.ThreadKey != "":
		return m.ThreadKey
	}
	return ""
}

// priorPost finds the post a message depends on. It waits while that post
// is still queued. When the post failed for good, a reply under it fails
// (failed, it is taken back with its post when the cause is mended:
// RequeueFailed, a digest run again), and an update of it is dropped
// (dropUpdate). withheld says the post
// was done without a message: the Sender had nothing to show when it came
// to be posted (a rep's DM withdrawn while it waited in a Monday backlog),
// so nobody has seen it.
func (w *Worker) priorPost(ctx context.Context, it *job, key string) (p *coaching.Posted, ready, withheld bool, err error) {
	posted, ok, err := w.q.PostedMessage(ctx, key)
	if err != nil || ok {
		return &posted, ok, false, err
	}
	status, err := w.q.PostStatus(ctx, key)
	if err != nil {
		return nil, false, false, err
	}
	switch status {
	case "pending":
		held, err := w.q.PostponeInPlace(ctx, it.ID, w.owner, w.now().Add(w.policy.WaitForPost))
		if err == nil && !held {
			w.leftToOther(ctx, it, "postpone")
		}
		return nil, false, false, err
	case "sent":
		// MarkSent stores a post and its status in one commit: one sent
		// by another worker since the read above is found now, and a
		// reply is threaded under it rather than dropped as withheld.
		posted, ok, err := w.q.PostedMessage(ctx, key)
		if err != nil || ok {
			return &posted, ok, false, err
		}
		return nil, true, true, nil
	case "failed":
		if it.Message.Op == coaching.OpUpdate {
			return nil, false, false, w.dropUpdate(ctx, it)
		}
	}
	what := "the message to update"
	if it.Message.Op != coaching.OpUpdate {
		what = "the message to reply to"
	}
	return nil, false, false, w.fail(ctx, it, what+" was never posted ("+orNone(status)+")")
}

// dropUpdate closes, as superseded, an update of a post that failed for
// good: there is no message to change, and the post's failure is the one
// to count and log. Failed as well, one incident (a rep Slack will not
// DM, a reminder it refused) was counted again with each later change, on
// /healthz too for a scheduled kind (a rep's reminder, updated when they
// answer). An update with no post queued at all still fails: that is a
// fault of its own.
func (w *Worker) dropUpdate(ctx context.Context, it *job) error {
	held, err := w.record(ctx, it, "mark superseded", func(ctx context.Context) (bool, error) {
		return w.q.MarkSuperseded(ctx, it.ID, w.owner)
	})
	if err == nil && held {
		w.log.DebugContext(ctx, "outbox update dropped: the message it updates failed to post", "outbox_id", it.ID,
			"kind", string(it.Message.Kind))
	}
	return err
}

func (w *Worker) handleFailure(ctx context.Context, it *job, e *Error) error {
	if e.Class == Later {
		return w.later(ctx, it, e)
	}
	w.noteFailure(e)
	attrs := []any{"outbox_id", it.ID, "kind", string(it.Message.Kind), "op", string(it.Message.Op), "attempt", it.Attempts + 1, "err", e.Err}
	switch e.Class {
	case Fatal:
		// Stopped as any refusal of the token is (Stop): in the bot,
		// slackbot.WatchToken has most often stopped delivery on this
		// very answer before Send returned, or an event said the token
		// was gone while the send was on its way. Set here apart, the
		// stop was logged a second time, and replaced the first cause
		// (/healthz lost "the app was uninstalled" for the refusal that
		// followed it). Kept here for a Sender without that watch, and
		// so that the message is put back and the claim's others are not
		// tried with a token Slack refuses.
		w.Stop(e)
		w.log.DebugContext(ctx, "outbox message kept for when the token is mended", attrs...)
		if _, err := w.record(ctx, it, "mark retry", func(ctx context.Context) (bool, error) {
			return w.q.MarkRetry(ctx, it.ID, w.owner, w.now(), e.Error())
		}); err != nil {
			return errors.Join(e, err)
		}
		return e
	case Permanent, Gone, ThreadGone:
		return w.fail(ctx, it, e.Error())
	case Held:
		// Like a 429, the answer is about Slack, not the message: no
		// attempt is counted, however long it lasts (an Enterprise
		// migration takes hours; a scope waits for a reinstall).
		w.hold(ctx, it, e)
		w.pace.Hold(e.Method, HoldRetry)
		_, err := w.record(ctx, it, "postpone", func(ctx context.Context) (bool, error) {
			return w.q.Postpone(ctx, it.ID, w.owner, w.now().Add(HoldRetry))
		})
		return err
	case RateLimited:
		if e.RetryAfter <= 0 {
			e.RetryAfter = time.Second
		}
		w.count(func(s *Stats) { s.RateLimited++ })
		w.pace.Hold(e.Method, e.RetryAfter)
		w.log.WarnContext(ctx, "outbox rate limited", append(attrs, "retry_after", e.RetryAfter.String())...)
		// A 429 is Slack pacing us, not the message failing: it does not
		// count towards giving up.
		_, err := w.record(ctx, it, "postpone", func(ctx context.Context) (bool, error) {
			return w.q.Postpone(ctx, it.ID, w.owner, w.now().Add(e.RetryAfter))
		})
		return err
	}
	if it.Attempts+1 >= w.policy.MaxAttempts {
		return w.fail(ctx, it, e.Error())
	}
	delay := backoff(w.policy, it.Attempts)
	w.count(func(s *Stats) { s.Retried++ })
	if run, warn := w.retries.Fail(e.Method+" "+failureKind(e.Err), w.now()); warn {
		w.log.WarnContext(ctx, "outbox send failed; will retry", append(attrs, "retry_in_ms", delay.Milliseconds(), "failed_alike_since_last", run.Unlogged)...)
	} else {
		w.log.DebugContext(ctx, "outbox send failed; will retry", append(attrs, "retry_in_ms", delay.Milliseconds())...)
	}
	_, err := w.record(ctx, it, "mark retry", func(ctx context.Context) (bool, error) {
		return w.q.MarkRetry(ctx, it.ID, w.owner, w.now().Add(delay), e.Error())
	})
	return err
}

// later puts back a message the Sender says goes at e.Until, not now: one
// postpone, as for a 429, with no attempt counted and no failure noted,
// and its method not held (it is this message's hour, not Slack's pace).
func (w *Worker) later(ctx context.Context, it *job, e *Error) error {
	held, err := w.record(ctx, it, "postpone", func(ctx context.Context) (bool, error) {
		return w.q.Postpone(ctx, it.ID, w.owner, e.Until)
	})
	if err == nil && held {
		w.log.InfoContext(ctx, "outbox message put back until its hour", "outbox_id", it.ID, "kind", string(it.Message.Kind),
			"op", string(it.Message.Op), "until", e.Until.UTC().Format(time.RFC3339), "why", e.Err)
	}
	return err
}

// fail gives up on a message: counted and logged as failed once that is
// recorded (or could not be), not when another worker has taken it since.
func (w *Worker) fail(ctx context.Context, it *job, reason string) error {
	held, err := w.record(ctx, it, "mark failed", func(ctx context.Context) (bool, error) {
		return w.q.MarkFailed(ctx, it.ID, w.owner, reason)
	})
	if err == nil && !held {
		return nil
	}
	w.count(func(s *Stats) { s.Failed++ })
	attrs := []any{"outbox_id", it.ID, "kind", string(it.Message.Kind), "op", string(it.Message.Op), "to", it.Message.To, "reason", reason}
	if week, ok := coaching.DigestKeyWeek(it.Message.Key); ok {
		// Nobody is waiting on a digest to say it failed: the log is where
		// an admin learns what to do about it.
		attrs = append(attrs, "then", digestThen(week, SlackCode(reason)))
	}
	w.log.ErrorContext(ctx, "outbox message failed for good", attrs...)
	return err
}

// digestThen is what an admin does about a digest message that failed for
// good with Slack's code (ChannelHint), then how to send the week.
func digestThen(week, code string) string {
	again := "`coachlog digest --week " + week + "` sends what failed, to the channel configured or given with --channel"
	if code == "" {
		return "once the cause is mended, " + again
	}
	return "mend the cause (" + ChannelHint(code) + "), then " + again
}

func (w *Worker) count(f func(*Stats)) {
	w.mu.Lock()
	f(&w.stats)
	w.mu.Unlock()
}

// backoff is exponential with full jitter: spreading retries keeps a burst
// of failures from coming back as a burst.
func backoff(p Policy, attempts int) time.Duration {
	d := p.BaseDelay << min(attempts, 20)
	if d <= 0 || d > p.MaxDelay {
		d = p.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

// method names the Slack method an op uses, for pacing.
func method(op coaching.Op) string {
	switch op {
	case coaching.OpPost:
		return "chat.postMessage"
	case coaching.OpUpdate:
		return "chat.update"
	case coaching.OpPublish:
		return "views.publish"
	}
	return "response_url"
}

func orNone(s string) string {
	if s == "" {
		return "none queued"
	}
	return s
}

// HoldRetry is how often a method held for the install or the workspace
// (class Held) is tried again, with one of its messages: after a
// reinstall, or once a migration ends, delivery resumes within it.
const HoldRetry = time.Minute

// holdLapse is how long a hold lasts with no send getting Slack's answer
// again: a held message is tried every HoldRetry, so one still waiting
// renews it each minute. Lifted only by a send that went through, a hold
// outlived its messages when none of them was sent after all (a DM's
// update replaced by a newer one, a reminder the rep answered first):
// nothing of its kind was tried again, and /healthz said delivery was
// held, and what to do about it, until a restart.
const holdLapse = 3 * HoldRetry

// Hold is a Slack method delivery is held on, and why: Slack's answer.
type Hold struct {
	Method string
	Err    error     // the send's error, Slack's code within (missing_scope, org_login_required)
	Since  time.Time // when the first message was held for it
	Last   time.Time // when a send last got that answer
}

// heldOn names what a hold was found on: the method, and the kind and op
// of the message, whose next send that goes through lifts it.
type heldOn struct {
	method string
	kind   coaching.MessageKind
	op     coaching.Op
}

// Holds lists what delivery is held on now, by method, the earliest
// first; none while every send goes through, nor once no message has met
// a hold for holdLapse (its messages went otherwise: superseded, withheld).
func (w *Worker) Holds() []Hold {
	w.mu.Lock()
	seen := map[string]bool{}
	var hs []Hold
	lapsed := map[heldOn]Hold{}
	now := w.now()
	for on, h := range w.held {
		if now.Sub(h.Last) >= holdLapse {
			delete(w.held, on)
			lapsed[on] = h
			continue
		}
		if k := on.method + " " + h.Err.Error(); !seen[k] {
			seen[k] = true
			hs = append(hs, h)
		}
	}
	w.mu.Unlock()
	for on, h := range lapsed {
		w.log.Info("outbox hold forgotten: no message has met it since", "method", h.Method, "kind", string(on.kind),
			"op", string(on.op), "err", h.Err, "last", h.Last)
	}
	slices.SortFunc(hs, func(a, b Hold) int {
		return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.Method, b.Method), cmp.Compare(a.Err.Error(), b.Err.Error()))
	})
	return hs
}

// hold notes that Slack refused a message for the install or the
// workspace, renewing the hold it met (see holdLapse), and logs it when it
// is news.
func (w *Worker) hold(ctx context.Context, it *job, e *Error) {
	on := heldOn{method: e.Method, kind: it.Message.Kind, op: it.Message.Op}
	now := w.now()
	w.mu.Lock()
	h, known := w.held[on]
	if known && now.Sub(h.Last) >= holdLapse {
		known = false // lapsed unread by Holds: news again, as it would be after it
	}
	if !known {
		h = Hold{Method: e.Method, Err: e.Err, Since: now}
	}
	h.Err, h.Last = e.Err, now
	w.held[on] = h
	w.mu.Unlock()
	attrs := []any{"outbox_id", it.ID, "kind", string(it.Message.Kind), "op", string(it.Message.Op), "method", e.Method,
		"err", e.Err, "retry_in_ms", HoldRetry.Milliseconds()}
	if known {
		w.log.DebugContext(ctx, "outbox message held: Slack refuses the install or the workspace", attrs...)
		return
	}
	w.log.ErrorContext(ctx, "outbox held: Slack refuses the install or the workspace, not the message; "+
		"messages wait, none is failed (see /healthz)", attrs...)
}

// unhold lifts the holds a message that went through disproves: those
// found on messages of its kind and op.
func (w *Worker) unhold(ctx context.Context, m coaching.Message) {
	w.mu.Lock()
	var lifted []Hold
	for on, h := range w.held {
		if on.kind == m.Kind && on.op == m.Op {
			lifted = append(lifted, h)
			delete(w.held, on)
		}
	}
	w.mu.Unlock()
	for _, h := range lifted {
		w.log.InfoContext(ctx, "outbox hold lifted: Slack took a message it had refused", "method", h.Method, "err", h.Err,
			"held_for", w.now().Sub(h.Since).Round(time.Second).String())
	}
}

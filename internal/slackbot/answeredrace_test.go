package slackbot

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// raceStore is a store that lets the rep answer elsewhere (the App Home,
// another device) just before the first write the bot asks of it: that
// answer (answer, written through the store underneath) lands after any
// read the click made and before the click's own write. It logs what the
// bot asked of it, in order: "read <method>" for each read on the reader
// pool, "write" for each Update.
type raceStore struct {
	*sqlite.Store
	answer func(context.Context) error
	once   sync.Once
	mu     sync.Mutex
	log    []string
}

func (r *raceStore) note(what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, what)
}

func (r *raceStore) asked() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

func (r *raceStore) Update(ctx context.Context, fn func(coaching.Tx) error) error {
	r.note("write")
	var err error
	r.once.Do(func() {
		if r.answer != nil {
			err = r.answer(ctx)
		}
	})
	if err != nil {
		return fmt.Errorf("the answer given elsewhere: %w", err)
	}
	return r.Store.Update(ctx, fn)
}

// Every read of coaching.Reader, counted: the store's readers are the pool
// a click's read would take a connection from.

func (r *raceStore) Person(ctx context.Context, id string) (coaching.Person, error) {
	r.note("read Person")
	return r.Store.Person(ctx, id)
}

func (r *raceStore) PeopleByID(ctx context.Context, ids []string) (map[string]coaching.Person, error) {
	r.note("read PeopleByID")
	return r.Store.PeopleByID(ctx, ids)
}

func (r *raceStore) DirectReports(ctx context.Context, managerID string) ([]coaching.Person, error) {
	r.note("read DirectReports")
	return r.Store.DirectReports(ctx, managerID)
}

func (r *raceStore) Session(ctx context.Context, id int64) (coaching.Session, error) {
	r.note("read Session")
	return r.Store.Session(ctx, id)
}

func (r *raceStore) ManagerSessions(ctx context.Context, managerID, repID string, limit int) ([]coaching.Session, error) {
	r.note("read ManagerSessions")
	return r.Store.ManagerSessions(ctx, managerID, repID, limit)
}

func (r *raceStore) RepSessions(ctx context.Context, repID string, limit int) ([]coaching.Session, error) {
	r.note("read RepSessions")
	return r.Store.RepSessions(ctx, repID, limit)
}

func (r *raceStore) OpenCommitments(ctx context.Context, repID string, f coaching.CommitmentFilter, limit int) ([]coaching.Commitment, error) {
	r.note("read OpenCommitments")
	return r.Store.OpenCommitments(ctx, repID, f, limit)
}

func (r *raceStore) CountOpenCommitments(ctx context.Context, repID string, f coaching.CommitmentFilter) (int, error) {
	r.note("read CountOpenCommitments")
	return r.Store.CountOpenCommitments(ctx, repID, f)
}

func (r *raceStore) Commitment(ctx context.Context, id int64) (coaching.Commitment, error) {
	r.note("read Commitment")
	return r.Store.Commitment(ctx, id)
}

func (r *raceStore) SubmissionSession(ctx context.Context, key string) (int64, bool, error) {
	r.note("read SubmissionSession")
	return r.Store.SubmissionSession(ctx, key)
}

func (r *raceStore) JobRan(ctx context.Context, job, period string) (bool, error) {
	r.note("read JobRan")
	return r.Store.JobRan(ctx, job, period)
}

func (r *raceStore) JobRanSince(ctx context.Context, job string, since time.Time, except string) (bool, error) {
	r.note("read JobRanSince")
	return r.Store.JobRanSince(ctx, job, since, except)
}

func (r *raceStore) PendingCommands(ctx context.Context, before time.Time) ([]coaching.Command, error) {
	r.note("read PendingCommands")
	return r.Store.PendingCommands(ctx, before)
}

func (r *raceStore) CommandAnswered(ctx context.Context, id int64) (bool, error) {
	r.note("read CommandAnswered")
	return r.Store.CommandAnswered(ctx, id)
}

// raceBot is a Bot on a raceStore holding one session U0MAX logged with
// U0SAM, pending, and the fake Slack its response_urls go to. ready
// brings the session to where the rep's DM shows it before the click;
// answer is what the rep does elsewhere just before the click's write.
type raceBot struct {
	*Bot
	fake  *fakeslack.Server
	st    *raceStore
	sess  coaching.Session
	mu    sync.Mutex
	acks  []any
	other *coaching.Service // the rep's other device: writes past raceStore
}

func newRaceBot(t *testing.T) *raceBot {
	t.Helper()
	ctx := context.Background()
	fake := fakeslack.New()
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	inner, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inner.Close() })
	s := coaching.Session{ManagerID: "U0MAX", Kind: coaching.KindOneOnOne, OccurredOn: coaching.Date{Year: 2026, Month: 11, Day: 20},
		DurationMin: 30, Version: 1, Visibility: coaching.VisibilityPrivate, Source: coaching.SourceModal,
		Reps: []coaching.SessionRep{{RepID: "U0SAM", Status: coaching.StatusPending}}}
	if err := inner.Update(ctx, func(tx coaching.Tx) error {
		for _, id := range []string{"U0MAX", "U0SAM"} {
			if err := tx.EnsurePerson(ctx, id); err != nil {
				return err
			}
		}
		return tx.InsertSession(ctx, &s)
	}); err != nil {
		t.Fatal(err)
	}
	rb := &raceBot{fake: fake, st: &raceStore{Store: inner}, sess: s, other: coaching.NewService(coaching.Config{Store: inner})}
	rb.Bot = New(Config{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL(),
		Service: coaching.NewService(coaching.Config{Store: rb.st}), Outbox: nopNotifier{}})
	rb.ackFn = func(_ string, payload any) error {
		rb.mu.Lock()
		defer rb.mu.Unlock()
		rb.acks = append(rb.acks, payload)
		return nil
	}
	return rb
}

// sam is the rep's answer on the session, as the DM's buttons carry it.
func (rb *raceBot) sam() coaching.RepAction {
	return coaching.RepAction{ActorID: "U0SAM", SessionID: rb.sess.ID, RepID: "U0SAM", Version: rb.sess.Version}
}

// clickOnDM has the rep click actionID (with value) on their DM, as Slack
// sends it, and returns the click's response_url once its work is done.
func (rb *raceBot) clickOnDM(t *testing.T, actionID, value string) string {
	t.Helper()
	url := rb.fake.IssueResponseURL("U0SAM", "D0SAM")
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U0SAM"}, "trigger_id": "1.2.3", "response_url": url,
		"container": map[string]any{"type": "message", "message_ts": "1700000000.000100", "channel_id": "D0SAM"},
		"channel":   map[string]any{"id": "D0SAM"},
		"actions":   []map[string]any{{"action_id": actionID, "value": value, "type": "button"}},
	})
	rb.handle(context.Background(), envelope{Type: "interactive", EnvelopeID: "env-" + actionID, Payload: payload})
	rb.inflight.Wait()
	return url
}

// said is the text of the responses posted to url.
func (rb *raceBot) said(url string) []string {
	var out []string
	for _, r := range rb.fake.Responses() {
		if r.URL == url {
			out = append(out, r.Text)
		}
	}
	return out
}

func (rb *raceBot) status(t *testing.T) coaching.SessionRep {
	t.Helper()
	s, err := rb.st.Store.Session(context.Background(), rb.sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s.Rep("U0SAM")
	return r
}

// A rep's answer given elsewhere (the App Home, another device) a moment
// before their click on a DM that does not show it yet, asking for that
// same answer, lands after anything the click could have read and before
// its write. The click is still told it was given already, and changes
// nothing: the write itself tells, from the session its transaction
// read. A read before the write left this one answered by silence.
func TestAnAnswerGivenJustBeforeTheClicksWriteIsToldAsGiven(t *testing.T) {
	ctx := context.Background()
	t.Run("Confirm", func(t *testing.T) {
		rb := newRaceBot(t)
		rb.st.answer = func(ctx context.Context) error { _, err := rb.other.Confirm(ctx, rb.sam()); return err }
		url := rb.clickOnDM(t, actConfirm, repValue(rb.sess, "U0SAM"))
		if said := rb.said(url); !slices.ContainsFunc(said, func(s string) bool {
			return strings.Contains(s, "You confirmed this session already, so nothing changed")
		}) {
			t.Errorf("the click's response_url got %q; want it told the session was confirmed already", said)
		}
		if r := rb.status(t); r.Status != coaching.StatusConfirmed || r.Rating != 0 {
			t.Errorf("after the click: %+v", r)
		}
	})
	t.Run("the rating given", func(t *testing.T) {
		rb := newRaceBot(t)
		if _, err := rb.other.Confirm(ctx, rb.sam()); err != nil {
			t.Fatal(err)
		}
		rb.st.answer = func(ctx context.Context) error { _, err := rb.other.Rate(ctx, rb.sam(), 4); return err }
		url := rb.clickOnDM(t, actRatePfx+"4", repValue(rb.sess, "U0SAM")+":4")
		if said := rb.said(url); !slices.ContainsFunc(said, func(s string) bool {
			return strings.Contains(s, "You rated this session 4/5 already, so nothing changed")
		}) {
			t.Errorf("the click's response_url got %q; want it told the rating was given already", said)
		}
		if r := rb.status(t); r.Rating != 4 {
			t.Errorf("after the click: %+v", r)
		}
	})
	t.Run("a reason form, marked not accurate elsewhere", func(t *testing.T) {
		rb := newRaceBot(t)
		rb.st.answer = func(ctx context.Context) error {
			_, err := rb.other.Dispute(ctx, rb.sam(), "We never talked pricing")
			return err
		}
		meta := modalMeta{SessionID: rb.sess.ID, Version: rb.sess.Version, RepID: "U0SAM"}
		v, _ := json.Marshal(reasonModal(cbDispute, "", "U0MAX", meta, false))
		var form map[string]any
		_ = json.Unmarshal(v, &form)
		form["id"], form["hash"] = "V0FORM", "1.abc"
		form["state"] = map[string]any{"values": map[string]any{"reason": map[string]any{
			"reason": map[string]any{"type": "plain_text_input", "value": "Only 20 minutes"}}}}
		payload, _ := json.Marshal(map[string]any{"type": "view_submission", "user": map[string]any{"id": "U0SAM"}, "view": form})
		rb.handle(ctx, envelope{Type: "interactive", EnvelopeID: "env-reason", Payload: payload})
		rb.inflight.Wait()
		rb.mu.Lock()
		acks := rb.acks
		rb.mu.Unlock()
		raw, _ := json.Marshal(acks)
		if !strings.Contains(string(raw), "You marked this session not accurate already") || !strings.Contains(string(raw), "this reason was not sent") {
			t.Errorf("the form's ack = %s; want it kept open saying the session was marked already", raw)
		}
		if r := rb.status(t); r.DisputeReason != "We never talked pricing" {
			t.Errorf("after the form: %+v; want the first reason kept", r)
		}
	})
}

// A rep's Confirm on their DM asks the store for its write and nothing
// else: no read on the reader pool before it (issue #8), nor after.
func TestAConfirmOnTheDMReadsNothingBeforeItsWrite(t *testing.T) {
	rb := newRaceBot(t)
	url := rb.clickOnDM(t, actConfirm, repValue(rb.sess, "U0SAM"))
	if got := rb.st.asked(); !slices.Equal(got, []string{"write"}) {
		t.Errorf("a Confirm on the DM asked the store %q; want one write and no read", got)
	}
	if said := rb.said(url); len(said) != 0 {
		t.Errorf("a first Confirm got %q through its response_url; want nothing (the DM is replaced from the outbox)", said)
	}
	if r := rb.status(t); r.Status != coaching.StatusConfirmed {
		t.Errorf("after the click: %+v", r)
	}
}

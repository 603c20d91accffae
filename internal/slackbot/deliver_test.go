package slackbot

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/outbox"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// busySessions is a store whose session reads give up, as behind a table
// locked past PostgreSQL's statement timeout.
type busySessions struct{ coaching.Store }

func (busySessions) Session(context.Context, int64) (coaching.Session, error) {
	return coaching.Session{}, fmt.Errorf("%w: read commitments: statement timeout",
		&coaching.Error{Code: coaching.EBusy, Message: coaching.BusyMessage})
}

// A message whose session is gone can never be sent, but one whose session
// read gave up is sent again later: marked failed for good, a manager's
// receipt or a rep's DM was lost to a locked table (and logged at Error),
// seen in CI behind a test's LOCK TABLE.
func TestASessionReadThatGaveUpIsRetriedNotFailed(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dm := coaching.Message{Kind: coaching.MsgRepDM, Op: coaching.OpPost, To: "U0SAM", RepID: "U0SAM", SessionID: 7}
	for _, tt := range []struct {
		name      string
		store     coaching.Store
		permanent bool
	}{
		{"the session does not exist", st, true},
		{"the read gave up", busySessions{st}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := &Bot{svc: coaching.NewService(coaching.Config{Store: tt.store})}
			_, err := b.Send(ctx, dm, nil)
			if err == nil {
				t.Fatal("send = nil, want a failure")
			}
			oe, isOutbox := errors.AsType[*outbox.Error](err)
			if permanent := isOutbox && oe.Class == outbox.Permanent; permanent != tt.permanent {
				t.Errorf("send = %v: failed for good %v, want %v", err, permanent, tt.permanent)
			}
		})
	}
}

// A kind this build does not know was queued by a newer coachlog on the
// same database: it is tried again later (by then the newer sender's), not
// read as a session message and failed for good because "Session 0 does
// not exist".
func TestAMessageOfAKindFromANewerBuildIsRetriedNotFailed(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b := &Bot{svc: coaching.NewService(coaching.Config{Store: st})}
	_, err = b.Send(ctx, coaching.Message{Kind: "team_refresh", Op: coaching.OpPublish, To: "U0MAX"}, nil)
	oe, ok := errors.AsType[*outbox.Error](err)
	if !ok || oe.Class != outbox.Retry {
		t.Errorf("send = %v, want it tried again later (outbox.Retry)", err)
	}
	for _, k := range coaching.MessageKinds {
		if !k.Known() {
			t.Errorf("%s is not known", k)
		}
	}
}

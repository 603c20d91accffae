package coaching_test

import (
	"context"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// A session is stored with the capture source it was logged through when
// that is one Coachlog writes, and with none otherwise: a source read from
// a form's private_metadata is not stored (nor exported) as given.
func TestASourceCoachlogDoesNotWriteIsStoredAsNone(t *testing.T) {
	sqlitetest.EachMigrated(t, func(t *testing.T, db string) {
		ctx := context.Background()
		svc, st, _ := newServiceOn(t, db)
		for i, tt := range []struct{ given, want coaching.Source }{
			{coaching.SourceModal, coaching.SourceModal},
			{coaching.SourceQuick, coaching.SourceQuick},
			{coaching.SourceShortcut, coaching.SourceShortcut},
			{"", ""},
			{"=cmd|'/c calc'!A1", ""},
			{"Modal", ""},
		} {
			s, err := svc.LogSession(ctx, coaching.LogRequest{ManagerID: "UMGR", Draft: oneOnOne("UREP"), Source: tt.given, Key: "k" + string(rune('a'+i))})
			if err != nil {
				t.Fatal(err)
			}
			stored, err := st.Session(ctx, s.ID)
			if err != nil || stored.Source != tt.want {
				t.Errorf("source %q stored as %q, %v; want %q", tt.given, stored.Source, err, tt.want)
			}
		}
	})
}

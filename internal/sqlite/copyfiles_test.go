package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sqlite"
)

// filesIn lists the names in dir, sorted.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// `coachlog copy` left an empty -wal and a -shm beside a stopped bot's
// file, which had neither: its check for a running bot opened the file
// mode=ro, and such a connection, the last to close, cannot fold the log
// back and delete it. Reading the leases leaves the directory as it found
// it (cmd/bot's copy test checks the whole command).
func TestReadingTheLeasesLeavesNoLogBesideAStoppedFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "coachlog.db")
	st := open(t, file, sqlite.Options{})
	if _, err := st.TakeRole(ctx, "sender", "host/1", time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := st.ReleaseRole(ctx, "sender", "host/1"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if got := filesIn(t, dir); !slices.Equal(got, []string{"coachlog.db"}) {
		t.Fatalf("a stopped store left %q", got)
	}
	if leases, err := sqlite.LiveLeases(ctx, file, time.Now()); err != nil || len(leases) != 0 {
		t.Fatalf("a stopped bot's leases: %+v %v; want none", leases, err)
	}
	if got := filesIn(t, dir); !slices.Equal(got, []string{"coachlog.db"}) {
		t.Errorf("reading the leases left %q beside the file, want it alone", got)
	}
}

// The leases of a bot running on the file are read as it holds them,
// through its -wal and -shm, which stay, and the bot goes on writing: a
// copy must see a bot that runs, not the file as its last checkpoint left
// it.
func TestTheLeasesOfARunningBotAreReadAndItsLogStays(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "coachlog.db")
	st := open(t, file, sqlite.Options{})
	now := time.Now()
	if ok, err := st.TakeRole(ctx, "sender", "host/2", now, time.Minute); err != nil || !ok {
		t.Fatalf("take the role: %v %v", ok, err)
	}
	leases, err := sqlite.LiveLeases(ctx, file, now)
	if err != nil || len(leases) != 1 || leases[0].Holder != "host/2" {
		t.Fatalf("the running bot's leases: %+v %v; want host/2's", leases, err)
	}
	for _, f := range []string{"coachlog.db-wal", "coachlog.db-shm"} {
		if !slices.Contains(filesIn(t, dir), f) {
			t.Errorf("reading the leases removed the running bot's %s", f)
		}
	}
	if ok, err := st.TakeRole(ctx, "sender", "host/2", now.Add(time.Second), time.Minute); err != nil || !ok {
		t.Fatalf("the bot renews its lease after the read: %v %v", ok, err)
	}
	if leases, err := sqlite.LiveLeases(ctx, file, now.Add(time.Second)); err != nil || len(leases) != 1 ||
		!leases[0].Expires.Equal(now.Add(time.Second+time.Minute).Truncate(time.Millisecond)) {
		t.Errorf("the renewed lease: %+v %v", leases, err)
	}
}

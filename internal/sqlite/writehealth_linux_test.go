package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
)

// Writes on a disk that fills up while the bot runs fail for the disk,
// and say so: /healthz turned red on reads alone, which a full disk does
// not stop.
func TestWritesOnAFullDiskFailAsDiskFull(t *testing.T) {
	ctx := context.Background()
	dir := smallDisk(t, "4m")
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	st := open(t, filepath.Join(dir, "c.db"), sqlite.Options{Now: func() time.Time { return now }})
	fill(t, dir)
	var err error
	for i := 0; i < 1000 && err == nil; i++ { // until the log's space on disk is used up
		err = st.Update(ctx, func(tx coaching.Tx) error { return tx.EnsurePerson(ctx, fmt.Sprintf("U%04d", i)) })
	}
	if err == nil {
		t.Fatal("a thousand writes on a full disk all committed")
	}
	if since, why := st.WriteTrouble(); !since.Equal(now) || why != sqlite.WriteDiskFull {
		t.Fatalf("WriteTrouble = %v %q after %v, want %v disk_full", since, why, err, now)
	}
	if n := st.FailedWrites()[sqlite.WriteDiskFull]; n != 1 {
		t.Errorf("%d writes counted failed for a full disk, want 1", n)
	}
}

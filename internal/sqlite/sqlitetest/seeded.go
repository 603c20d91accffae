// Package sqlitetest supports benchmarks: seeded databases, and the memory
// figures they report.
package sqlitetest

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/migrations"
)

// YearOrg is a year of coaching for a 20,000-rep organisation: 2,000
// managers with ten reps each, a session per rep about every two weeks.
var YearOrg = sqlite.SeedOptions{Leaders: 20, Managers: 2000, RepsPerManager: 10, Sessions: 520_000, Days: 365,
	Now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC), Seed: 1}

// schemaHash identifies the migrations, so a cached database is rebuilt
// whenever any of them changes.
func schemaHash(tb testing.TB) string {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// SeededCopy returns the path of a fresh copy of a database seeded with o.
// The seeded original is generated once and cached in the temp dir, keyed
// by the options and the schema version: seeding takes a while, copying
// does not.
func SeededCopy(tb testing.TB, o sqlite.SeedOptions) string {
	tb.Helper()
	name := fmt.Sprintf("coachlog-bench-%d-%d-%d-%d-%d-%s.db", o.Managers, o.RepsPerManager, o.Sessions, o.Days, o.Seed, schemaHash(tb))
	cached := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(cached); err != nil {
		tmp := fmt.Sprintf("%s.%d.tmp", cached, os.Getpid())
		st, err := sqlite.Open(context.Background(), tmp, sqlite.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		if err := st.Seed(context.Background(), o); err != nil {
			tb.Fatal(err)
		}
		if err := st.Close(); err != nil {
			tb.Fatal(err)
		}
		if err := os.Rename(tmp, cached); err != nil {
			tb.Fatal(err)
		}
	}
	dst := filepath.Join(tb.TempDir(), "coachlog.db")
	in, err := os.Open(cached)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// ProcMB reads a memory figure of a process from /proc (VmRSS, VmHWM) in
// MB; pid 0 is this process. It is 0 where /proc is not available.
func ProcMB(pid int, field string) float64 {
	path := "/proc/self/status"
	if pid != 0 {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

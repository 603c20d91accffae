// Package sqlitetest supports tests and benchmarks: seeded databases, the
// memory figures they report, and another process's write lock.
package sqlitetest

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
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

// MillionOrg is a million sessions over a year for the same organisation,
// under a two-level tree of leaders, with tier changes in the reporting
// history and thirteen months of attainment: the scale of the nudge,
// digest and metrics targets.
var MillionOrg = sqlite.SeedOptions{Leaders: 20, TopLeaders: 4, Managers: 2000, RepsPerManager: 10, Sessions: 1_000_000,
	Days: 365, Now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC), Seed: 2, TierChangeEvery: 5, PerformanceMonths: 13}

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
// by all the options and the schema version: seeding takes a while,
// copying does not.
func SeededCopy(tb testing.TB, o sqlite.SeedOptions) string {
	tb.Helper()
	opts := sha256.Sum256(fmt.Appendf(nil, "%+v", o))
	name := fmt.Sprintf("coachlog-bench-%d-%d-%d-%s-%s.db", o.Managers, o.RepsPerManager, o.Sessions,
		hex.EncodeToString(opts[:4]), schemaHash(tb))
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
	// Owner-only, as the bot makes its own database: a copy readable by
	// others is warned about and fixed on open, a log line per benchmark
	// run that lands in the middle of its figures.
	out, err := os.OpenFile(dst, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
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

// OutboxErrors returns the last_error of every outbox row that has one, in
// row order, from the database at path: what an operator reading the
// table would see.
func OutboxErrors(tb testing.TB, path string) []string {
	tb.Helper()
	driver, dsn := "sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)"
	if sqlite.IsPostgres(path) {
		driver, dsn = "pgx", path
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT last_error FROM outbox WHERE last_error <> '' ORDER BY id`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// CPUSeconds is the CPU time this process has used (user and system), in
// seconds: ProcCPU of this process.
func CPUSeconds() float64 { return ProcCPU(0).Seconds() }

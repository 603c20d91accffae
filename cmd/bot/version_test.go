package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite"
)

// The start line and `coachlog version` name the module version and the
// commit the binary was built from, when the toolchain recorded them, and
// nothing made up when it did not (`go run`, tests). A binary from `go
// install github.com/coachlog/coachlog/cmd/bot@v1.4.0` has a version and
// no commit: it said only that no revision was recorded.
func TestBuildNamesTheVersionAndCommitRecorded(t *testing.T) {
	t.Parallel()
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "6057f90abc"},
		{Key: "vcs.time", Value: "2026-11-30T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}
	main := func(v string) debug.Module { return debug.Module{Path: "github.com/coachlog/coachlog", Version: v} }
	for _, tc := range []struct {
		name    string
		bi      *debug.BuildInfo
		attrs   []any
		version string
	}{
		{"go install @v1.4.0", &debug.BuildInfo{GoVersion: "go1.27.3", Main: main("v1.4.0")},
			[]any{"version", "v1.4.0"}, "coachlog v1.4.0 go1.27.3"},
		{"go build in a checkout, a version from its tag", &debug.BuildInfo{GoVersion: "go1.27.3", Main: main("v1.4.1-0.20261130100000-6057f90abc12+dirty"), Settings: vcs},
			[]any{"version", "v1.4.1-0.20261130100000-6057f90abc12+dirty", "revision", "6057f90abc", "revision_time", "2026-11-30T10:00:00Z", "modified", true},
			"coachlog v1.4.1-0.20261130100000-6057f90abc12+dirty 6057f90abc 2026-11-30T10:00:00Z (modified) go1.27.3"},
		{"go build in a checkout, no version", &debug.BuildInfo{GoVersion: "go1.27.3", Main: main("(devel)"), Settings: vcs},
			[]any{"revision", "6057f90abc", "revision_time", "2026-11-30T10:00:00Z", "modified", true},
			"coachlog 6057f90abc 2026-11-30T10:00:00Z (modified) go1.27.3"},
		{"go run", &debug.BuildInfo{GoVersion: "go1.27.3", Main: main("(devel)")},
			nil, "coachlog (no module version or VCS revision recorded in this build) go1.27.3"},
		{"no build information", nil, nil, "coachlog (no module version or VCS revision recorded in this build)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := buildOf(tc.bi)
			if got, want := fmt.Sprint(b.attrs()), fmt.Sprint(tc.attrs); got != want {
				t.Errorf("attrs %s, want %s", got, want)
			}
			if got := b.String(); got != tc.version {
				t.Errorf("version %q, want %q", got, tc.version)
			}
		})
	}
}

// `coachlog version` prints the build on stdout, exit 0, and `coachlog
// help` lists it.
func TestVersionCommand(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"version"}, func(string) string { return "" }, &out, &errOut); err != nil {
		t.Fatalf("version: %v\n%s", err, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "coachlog ") || strings.Count(out.String(), "\n") != 1 || errOut.Len() > 0 {
		t.Errorf("printed %q, stderr %q; want one line beginning coachlog", out.String(), errOut.String())
	}
	if !strings.Contains(helpText(), "\n  version ") {
		t.Errorf("`coachlog help` does not list version:\n%s", helpText())
	}
}

// A start that migrates the database says so before it begins and once
// done (versions, how long), and the start line names the schema: an
// upgrade of a large database took seconds without a line.
func TestServeLogsItsMigrationAndSchema(t *testing.T) {
	t.Parallel()
	b := startBotNew(t)
	logs := b.logs.String()
	know := sqlite.SchemaVersion()
	i := strings.Index(logs, fmt.Sprintf(`msg="migrating database from schema 0 to %d"`, know))
	j := strings.Index(logs, fmt.Sprintf(`msg="database migrated" from_schema=0 to_schema=%d took_ms=`, know))
	k := strings.Index(logs, `msg="coachlog serving"`)
	if i < 0 || j < i || k < j {
		t.Fatalf("want the migration's two lines, then the start line:\n%s", logs)
	}
	if line := grepLines(logs, "coachlog serving"); !strings.Contains(line, fmt.Sprintf(" schema=%d ", know)) {
		t.Errorf("start line %q does not name schema=%d", line, know)
	}
}

// roster import, which may be the first to open a new build's database,
// says it migrated it too.
func TestRosterImportLogsItsMigration(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "c.db")
	csv := filepath.Join(t.TempDir(), "team.csv")
	if err := os.WriteFile(csv, []byte("slack_id,email,name,role,manager,tier,timezone\nU0MA,,Mia,manager,,,UTC\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := cliAt(t, midweek, map[string]string{"COACHLOG_DB": db}, "roster", "import", csv)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	lines := strings.Split(out, "\n")
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, `msg="database migrated" from_schema=0`) }) {
		t.Errorf("roster import did not say it migrated the database:\n%s", out)
	}
}

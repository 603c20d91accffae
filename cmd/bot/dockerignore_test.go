package main

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// The image's build context holds no database, backup or dump: each holds
// every note, and what the context holds reaches the Docker daemon and the
// build stage's layers. .dockerignore patterns match from the context's
// root only (Docker's rules, not git's: "*.db" is a root file alone, and
// "**/" reaches every directory), so a backup kept in ./backups or a
// database in ./data went into every build.
func TestTheDockerBuildContextLeavesOutDatabasesBackupsAndDumps(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			t.Fatalf(".dockerignore has an exception, %q, which this test does not read", line)
		}
		patterns = append(patterns, strings.TrimPrefix(path.Clean(line), "/"))
	}
	for _, tt := range []struct {
		file string
		out  bool
	}{
		{"coachlog.db", true},
		{"coachlog.db-wal", true},
		{"coachlog.db-shm", true},
		{"data/coachlog.db", true},
		{"data/coachlog.db-wal", true},
		{"backups/coachlog-2026-11-30.db", true},
		{"coachlog.db.old", true}, // the README's restore moves the database aside so
		{"coachlog.db-wal.old", true},
		{"coachlog.dump", true}, // the README's pg_dump example writes it here
		{"backups/coachlog.dump", true},
		{".git/config", true},
		{"coachlog", true},
		{"go.mod", false},
		{"cmd/bot/main.go", false},
		{"migrations/0001_init.sql", false},
		{"migrations/postgres/0001_init.sql", false},
		{"internal/sqlite/db.go", false},
	} {
		if got := dockerIgnores(patterns, tt.file); got != tt.out {
			t.Errorf("%s left out of the build context: %v, want %v", tt.file, got, tt.out)
		}
	}
}

// dockerIgnores reports whether Docker leaves file out of a build context
// under patterns (no exceptions): a pattern matches the file or one of its
// parent directories, path.Match segment by segment from the root, with
// "**" matching any number of directories, none included.
func dockerIgnores(patterns []string, file string) bool {
	parts := strings.Split(file, "/")
	for _, p := range patterns {
		for n := 1; n <= len(parts); n++ {
			if matchSegments(strings.Split(p, "/"), parts[:n]) {
				return true
			}
		}
	}
	return false
}

func matchSegments(pat, name []string) bool {
	if len(pat) == 0 {
		return len(name) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(name); i++ {
			if matchSegments(pat[1:], name[i:]) {
				return true
			}
		}
		return false
	}
	if len(name) == 0 {
		return false
	}
	ok, err := path.Match(pat[0], name[0])
	return err == nil && ok && matchSegments(pat[1:], name[1:])
}

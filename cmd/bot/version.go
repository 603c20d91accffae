package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
)

// build is what the Go toolchain recorded of the Coachlog this binary was
// built from: the module's version (`go install
// github.com/coachlog/coachlog/cmd/bot@v1.4.0` records v1.4.0, and no
// commit, as it builds from the module proxy, not a checkout) and the
// commit (`go build` in a git checkout records it; `go run`, a test, or a
// build with -buildvcs=false does not): an operator reading a log or a
// bug report learns which Coachlog it came from.
type build struct {
	version  string // Main.Version, but "(devel)", which says nothing
	revision string // vcs.revision
	time     string // vcs.time, the commit's, RFC 3339
	modified bool   // vcs.modified: built from a tree with uncommitted changes
	goVer    string
}

// buildOf reads bi's VCS settings; nil (no build information) is a build
// that says nothing.
func buildOf(bi *debug.BuildInfo) build {
	var b build
	if bi == nil {
		return b
	}
	b.goVer = bi.GoVersion
	if v := bi.Main.Version; v != "(devel)" {
		b.version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.revision = s.Value
		case "vcs.time":
			b.time = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		}
	}
	return b
}

// thisBuild is this binary's build.
func thisBuild() build {
	bi, _ := debug.ReadBuildInfo()
	return buildOf(bi)
}

// attrs are the build's attributes for the start line: only those
// recorded, so a build without a version or VCS information adds none.
func (b build) attrs() []any {
	var out []any
	if b.version != "" {
		out = append(out, "version", b.version)
	}
	if b.revision == "" {
		return out
	}
	out = append(out, "revision", b.revision)
	if b.time != "" {
		out = append(out, "revision_time", b.time)
	}
	if b.modified {
		out = append(out, "modified", true)
	}
	return out
}

// String is `coachlog version`'s line.
func (b build) String() string {
	parts := []string{"coachlog"}
	if b.version != "" {
		parts = append(parts, b.version)
	}
	switch {
	case b.revision == "" && b.version == "":
		parts = append(parts, "(no module version or VCS revision recorded in this build)")
	case b.revision != "":
		parts = append(parts, b.revision)
		if b.time != "" {
			parts = append(parts, b.time)
		}
		if b.modified {
			parts = append(parts, "(modified)")
		}
	}
	if b.goVer != "" {
		parts = append(parts, b.goVer)
	}
	return strings.Join(parts, " ")
}

// versionCmd prints the build: `coachlog version`.
func versionCmd(_ context.Context, e env, args []string) error {
	fs := newFlags(e, "version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs, ""); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, thisBuild())
	return nil
}

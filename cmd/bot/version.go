package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
)

// build is what the Go toolchain recorded of the commit this binary was
// built from (`go build` in a git checkout records it; `go run`, a test,
// or a build with -buildvcs=false does not): an operator reading a log
// or a bug report learns which Coachlog it came from.
type build struct {
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
// recorded, so a build without VCS information adds none.
func (b build) attrs() []any {
	if b.revision == "" {
		return nil
	}
	out := []any{"revision", b.revision}
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
	if b.revision == "" {
		parts = append(parts, "(no VCS revision recorded in this build)")
	} else {
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

package main

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestExeMappingsKeepsOnlyUnwrittenReadOnlyPagesOfTheExecutable(t *testing.T) {
	t.Parallel()
	const smaps = `00400000-00d76000 r-xp 00000000 fd:01 4242 /tmp/coachlog
Size:               9688 kB
Rss:                8040 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me dw
00d76000-01789000 r--p 00976000 fd:01 4242 /tmp/coachlog
Rss:                7848 kB
Anonymous:             0 kB
01789000-0188f000 rw-p 01389000 fd:01 4242 /tmp/coachlog
Rss:                 600 kB
Anonymous:           200 kB
01890000-01891000 r--p 01390000 fd:01 4242 /tmp/coachlog
Rss:                   4 kB
Anonymous:             4 kB
7f4a2f946000-7f4a2fa9c000 r-xp 00026000 fd:01 77 /usr/lib/x86_64-linux-gnu/libc.so.6
Rss:                 808 kB
Anonymous:             0 kB
7f4a30000000-7f4a30100000 rw-p 00000000 00:00 0
Rss:                1024 kB
Anonymous:          1024 kB
`
	got := exeMappings([]byte(smaps), 4242)
	want := []mapping{
		{start: 0x400000, end: 0xd76000, rss: 8040 << 10},
		{start: 0xd76000, end: 0x1789000, rss: 7848 << 10},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d mappings %+v, want %+v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("mapping %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// rssFile reads how much of the process's resident memory is file pages.
func rssFile(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "RssFile:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no RssFile in /proc/self/status")
	return 0
}

func TestReleaseExecutablePagesShrinksResidentMemoryAndCodeStillRuns(t *testing.T) {
	// Not parallel: it reads the process's resident memory, which other tests' bots move.
	before := rssFile(t)
	released, err := releaseExecutablePages()
	if err != nil {
		t.Fatal(err)
	}
	after := rssFile(t)
	if released < 1<<20 {
		t.Errorf("released %d bytes of a test binary that has run its tests' init; want over 1 MB", released)
	}
	// Other goroutines of the test binary may touch a few pages between
	// the two readings; most of what was released stays released.
	if after > before-released/2 {
		t.Errorf("RssFile %d kB before, %d kB after releasing %d kB", before>>10, after>>10, released>>10)
	}
	// Code and tables come back from the page cache when used.
	if got := strings.Repeat("ab", 3); got != "ababab" {
		t.Fatalf("after release: %q", got)
	}
}

// serve gives the executable's start-up pages back once Slack greets it
// and the start's own work (here the scheduler's first pass) is done.
func TestServeReleasesExecutablePagesOnceConnected(t *testing.T) {
	t.Parallel()
	b := startBot(t)
	released := regexp.MustCompile(`msg="executable pages released" bytes=([1-9][0-9]*)`)
	eventually(t, "the executable's pages released after the hello", func() bool {
		return released.MatchString(b.logs.String())
	})
	logs := b.logs.String()
	if pass := strings.Index(logs, `msg="scheduled job ran" job=nudges`); pass < 0 || pass > released.FindStringIndex(logs)[0] {
		t.Errorf("executable pages released before the scheduler's first pass ended:\n%s", logs)
	}
	b.quickLog(rep, 1) // and the bot serves as before
	if n := len(b.export()); n != 1 {
		t.Fatalf("logged %d sessions after the release, want 1", n)
	}
}

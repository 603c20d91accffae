package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// releaseExecutablePages unmaps from this process the pages of its own
// executable that it read while starting, and returns how many bytes of
// them were resident.
//
// The kernel maps a file's pages 64 kB around each one touched, and a
// start-up touches code and tables in almost every package (each package's
// init, the migrations, TLS, the first queries): 16 of the bot's 21 MB
// just after it connected were its own executable's pages, most of which
// it never touches again. The pages stay in the page cache; whatever the
// bot runs next faults back in from there, without reading the disk.
//
// Only mappings that cannot have been written are released: read-only,
// private, and without a single copied-on-write page (smaps' Anonymous),
// so a loader's relocations, should a build have any, are never undone.
func releaseExecutablePages() (int64, error) {
	var exe syscall.Stat_t
	if err := syscall.Stat("/proc/self/exe", &exe); err != nil {
		return 0, fmt.Errorf("stat /proc/self/exe: %w", err)
	}
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, fmt.Errorf("read /proc/self/smaps: %w", err)
	}
	var released int64
	for _, m := range exeMappings(data, exe.Ino) {
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, m.start, m.end-m.start, syscall.MADV_DONTNEED); errno != 0 {
			return released, fmt.Errorf("madvise %#x-%#x: %w", m.start, m.end, errno)
		}
		released += m.rss
	}
	return released, nil
}

type mapping struct {
	start, end uintptr
	rss        int64 // bytes resident
}

// exeMappings reads /proc/self/smaps and returns the read-only private
// mappings of the file with inode ino that hold no copied-on-write page.
func exeMappings(smaps []byte, ino uint64) []mapping {
	var out []mapping
	var cur *mapping
	var anon int64
	keep := func() {
		if cur != nil && anon == 0 {
			out = append(out, *cur)
		}
		cur = nil
	}
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if !strings.HasSuffix(f[0], ":") { // a mapping's header line
			keep()
			anon = 0
			if len(f) < 6 || (f[1] != "r-xp" && f[1] != "r--p") {
				continue
			}
			if n, err := strconv.ParseUint(f[4], 10, 64); err != nil || n != ino {
				continue
			}
			lo, hi, ok := strings.Cut(f[0], "-")
			start, err1 := strconv.ParseUint(lo, 16, 64)
			end, err2 := strconv.ParseUint(hi, 16, 64)
			if !ok || err1 != nil || err2 != nil || end <= start {
				continue
			}
			cur = &mapping{start: uintptr(start), end: uintptr(end)}
			continue
		}
		if cur == nil || len(f) < 2 {
			continue
		}
		kb, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "Rss:":
			cur.rss = kb << 10
		case "Anonymous:":
			anon = kb
		}
	}
	keep()
	return out
}

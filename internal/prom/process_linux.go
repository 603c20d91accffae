package prom

import (
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
)

// userHZ is the unit of /proc's CPU times and start time. It is 100 on
// every Linux Go runs on; reading it takes sysconf, so cgo, so procfs (and
// client_golang with it) assumes 100 too.
const userHZ = 100

// read gives what /proc/self says; a file it cannot read or parse leaves
// its samples out.
func (c *ProcessCollector) read() []processSample {
	var out []processSample
	if b, err := os.ReadFile("/proc/self/stat"); err == nil {
		if st, err := parseStat(string(b)); err == nil {
			out = append(out,
				processSample{"process_cpu_seconds_total", float64(st.utime+st.stime) / userHZ, true},
				processSample{"process_virtual_memory_bytes", float64(st.vsize), false},
				processSample{"process_resident_memory_bytes", float64(st.rss * uint64(os.Getpagesize())), false})
			if b, err := os.ReadFile("/proc/stat"); err == nil {
				if boot, ok := field(string(b), "btime"); ok {
					out = append(out, processSample{"process_start_time_seconds", boot + float64(st.start)/userHZ, false})
				}
			}
		}
	}
	if n, err := openFDs(); err == nil {
		out = append(out, processSample{"process_open_fds", float64(n), false})
	}
	if b, err := os.ReadFile("/proc/self/limits"); err == nil {
		if n, ok := limit(string(b), "Max open files"); ok {
			out = append(out, processSample{"process_max_fds", n, false})
		}
		if n, ok := limit(string(b), "Max address space"); ok {
			out = append(out, processSample{"process_virtual_memory_max_bytes", n, false})
		}
	}
	if b, err := os.ReadFile("/proc/self/net/netstat"); err == nil {
		if rx, tx, ok := octets(string(b)); ok {
			out = append(out,
				processSample{"process_network_receive_bytes_total", rx, true},
				processSample{"process_network_transmit_bytes_total", tx, true})
		}
	}
	return out
}

type stat struct {
	utime, stime, start, vsize, rss uint64
}

// parseStat reads /proc/self/stat. The command's name (field 2) is in
// parentheses and may hold spaces and parentheses itself, so the fields
// are counted from the last ')'.
func parseStat(s string) (stat, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return stat{}, errors.New("proc stat: no command name")
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3, the state
	if len(f) < 22 {
		return stat{}, errors.New("proc stat: too few fields")
	}
	var st stat
	for _, p := range []struct {
		dst   *uint64
		field int // as proc(5) numbers them
	}{{&st.utime, 14}, {&st.stime, 15}, {&st.start, 22}, {&st.vsize, 23}, {&st.rss, 24}} {
		n, err := strconv.ParseUint(f[p.field-3], 10, 64)
		if err != nil {
			return stat{}, errors.New("proc stat: field " + strconv.Itoa(p.field) + " is not a number")
		}
		*p.dst = n
	}
	return st, nil
}

// field finds the line "name value" (as /proc/stat's btime).
func field(s, name string) (float64, bool) {
	for line := range strings.Lines(s) {
		if f := strings.Fields(line); len(f) == 2 && f[0] == name {
			n, err := strconv.ParseFloat(f[1], 64)
			return n, err == nil
		}
	}
	return 0, false
}

// limit reads a soft limit from /proc/self/limits; "unlimited" is the
// largest uint64, as procfs reports it.
func limit(s, name string) (float64, bool) {
	for line := range strings.Lines(s) {
		rest, ok := strings.CutPrefix(line, name)
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0, false
		}
		if f[0] == "unlimited" {
			return math.MaxUint64, true
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		return float64(n), err == nil
	}
	return 0, false
}

// octets reads InOctets and OutOctets from the IpExt lines of
// /proc/self/net/netstat (a line of names, then one of values): the
// network namespace's bytes, which is what client_golang reports.
func octets(s string) (in, out float64, ok bool) {
	var names []string
	for line := range strings.Lines(s) {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "IpExt:" {
			continue
		}
		if names == nil {
			names = f
			continue
		}
		var found int
		for i, name := range names {
			if i >= len(f) || (name != "InOctets" && name != "OutOctets") {
				continue
			}
			n, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return 0, 0, false
			}
			if name == "InOctets" {
				in = n
			} else {
				out = n
			}
			found++
		}
		return in, out, found == 2
	}
	return 0, 0, false
}

// openFDs counts /proc/self/fd. Since Linux 6.2 the directory's size is
// the count; before, its entries are counted (the directory being read is
// one of them then).
func openFDs() (int, error) {
	if st, err := os.Stat("/proc/self/fd"); err == nil && st.Size() > 0 {
		return int(st.Size()), nil
	}
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	return len(names), err
}

package prom

import (
	"math"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestParseStatCountsFieldsFromTheLastParenthesis(t *testing.T) {
	// A command named "a) (b c" puts spaces and parentheses in field 2.
	line := "4242 (a) (b c) S 1 4242 4242 0 -1 4194560 1183 0 0 0 250 75 0 0 20 0 9 0 268101 1319547904 5953 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
	st, err := parseStat(line)
	if err != nil {
		t.Fatal(err)
	}
	if want := (stat{utime: 250, stime: 75, start: 268101, vsize: 1319547904, rss: 5953}); st != want {
		t.Errorf("parseStat = %+v, want %+v", st, want)
	}
	for _, bad := range []string{"", "4242 (x) S 1 2", "4242 (x) S 1 2 3 4 5 6 7 8 9 10 eleven 12 13 14 15 16 17 18 19 20 21 22"} {
		if _, err := parseStat(bad); err == nil {
			t.Errorf("parseStat(%q) read a broken line", bad)
		}
	}
}

func TestLimitsAndNetstatAreRead(t *testing.T) {
	limits := `Limit                     Soft Limit           Hard Limit           Units     
Max open files            20000                1048576              files     
Max address space         unlimited            unlimited            bytes     
`
	if n, ok := limit(limits, "Max open files"); !ok || n != 20000 {
		t.Errorf("max open files = %v %v, want the soft limit 20000", n, ok)
	}
	if n, ok := limit(limits, "Max address space"); !ok || n != math.MaxUint64 {
		t.Errorf("max address space = %v %v, want unlimited as the largest uint64", n, ok)
	}
	netstat := `TcpExt: SyncookiesSent InOctets
TcpExt: 0 77
IpExt: InNoRoutes InOctets OutOctets InMcastOctets
IpExt: 0 1032435717 760598162 9
`
	if in, out, ok := octets(netstat); !ok || in != 1032435717 || out != 760598162 {
		t.Errorf("octets = %v %v %v", in, out, ok)
	}
}

// On the real /proc each family is there and agrees with what the system
// says through other calls.
func TestProcessMetricsOnLinux(t *testing.T) {
	got := collect(t, NewProcessCollector())
	if len(got) != len(processHelp) {
		t.Errorf("%d process families, want %d: %v", len(got), len(processHelp), got)
	}
	value := func(name string) float64 {
		f, ok := got[name]
		if !ok {
			t.Fatalf("%s missing", name)
		}
		if f.Help != processHelp[name] || len(f.Series) != 1 {
			t.Errorf("%s = %+v", name, f)
		}
		return f.Series[0].Value
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if v := value("process_max_fds"); v != float64(lim.Cur) {
		t.Errorf("process_max_fds = %v, getrlimit says %d", v, lim.Cur)
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	if v := value("process_open_fds"); v < float64(len(entries)-2) || v > float64(len(entries)+2) {
		t.Errorf("process_open_fds = %v, /proc/self/fd lists %d", v, len(entries))
	}
	now := float64(time.Now().Unix())
	if v := value("process_start_time_seconds"); v > now+1 || v < now-3600 {
		t.Errorf("process_start_time_seconds = %v, now is %v", v, now)
	}
	rss, vsize := value("process_resident_memory_bytes"), value("process_virtual_memory_bytes")
	if rss < 1<<20 || vsize < rss {
		t.Errorf("rss %v, vsize %v", rss, vsize)
	}
	if v := value("process_cpu_seconds_total"); v < 0 || v > 3600 {
		t.Errorf("process_cpu_seconds_total = %v", v)
	}
	if got["process_cpu_seconds_total"].Type != TypeCounter || got["process_resident_memory_bytes"].Type != TypeGauge {
		t.Error("process families have the wrong types")
	}
	value("process_virtual_memory_max_bytes")
	value("process_network_receive_bytes_total")
	value("process_network_transmit_bytes_total")
}

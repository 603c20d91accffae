package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// dockerfile is the image's Dockerfile as instructions: each one's
// keyword and the rest of its line, its continuation lines joined.
func dockerfile(t *testing.T) [][2]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	line := ""
	for _, l := range strings.Split(string(raw), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") {
			continue
		}
		if rest, ok := strings.CutSuffix(l, `\`); ok {
			line += rest + " "
			continue
		}
		line += l
		if keyword, rest, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
			out = append(out, [2]string{keyword, strings.TrimSpace(rest)})
		}
		line = ""
	}
	return out
}

// No Docker engine runs in CI, so the image is never built there: its
// HEALTHCHECK is checked here against the program instead. It runs a
// command coachlog has, within a timeout longer than the command's own;
// the listener the image turns on is one healthcheck can ask (a fixed
// port) and the port the image exposes.
func TestTheImagesHealthcheckAsksItsListener(t *testing.T) {
	t.Parallel()
	var check []string
	var timeout time.Duration
	addr, exposed := "", ""
	for _, in := range dockerfile(t) {
		switch keyword, rest := in[0], in[1]; keyword {
		case "ENV":
			if v, ok := strings.CutPrefix(rest, "COACHLOG_HTTP_ADDR="); ok {
				addr = v
			}
		case "EXPOSE":
			exposed = rest
		case "HEALTHCHECK":
			opts, cmd, ok := strings.Cut(rest, "CMD ")
			if !ok || json.Unmarshal([]byte(cmd), &check) != nil {
				t.Fatalf("HEALTHCHECK %s: want CMD in exec form, [\"coachlog\", ...]", rest)
			}
			for _, o := range strings.Fields(opts) {
				if v, ok := strings.CutPrefix(o, "--timeout="); ok {
					timeout, _ = time.ParseDuration(v)
				}
			}
		}
	}
	if len(check) < 2 || check[0] != "coachlog" || !slices.ContainsFunc(commands, func(c command) bool { return c.name == strings.Join(check[1:], " ") }) {
		t.Fatalf("the image's HEALTHCHECK runs %q, want a coachlog command", check)
	}
	if timeout <= healthTimeout {
		t.Errorf("HEALTHCHECK --timeout is %s: Docker would stop the check before healthcheck gives up (%s) and says why", timeout, healthTimeout)
	}
	cfg, err := loadConfig(func(k string) string { return map[string]string{"COACHLOG_HTTP_ADDR": addr}[k] }, needs{})
	if err != nil || cfg.HTTPAddr == "" {
		t.Fatalf("the image's COACHLOG_HTTP_ADDR %q: %v; want the listener on", addr, err)
	}
	asked, err := probeAddr(cfg.HTTPAddr)
	if err != nil {
		t.Fatalf("healthcheck cannot ask the image's COACHLOG_HTTP_ADDR %q: %v", addr, err)
	}
	if _, port, _ := net.SplitHostPort(asked); port != exposed {
		t.Errorf("healthcheck asks port %s, the image exposes %q", port, exposed)
	}
}

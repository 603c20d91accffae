package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"
)

// healthTimeout bounds `coachlog healthcheck`'s request: /healthz answers
// within its own 2 s (its reads give up then), so 3 s is a bot that does
// not answer at all, well inside Docker's HEALTHCHECK timeout (the image's
// 5 s; 30 s unless set).
const healthTimeout = 3 * time.Second

// healthLineMax bounds the line healthcheck prints: Docker keeps the first
// 4,096 bytes of a check's output, and an answer that is not Coachlog's
// may be anything.
const healthLineMax = 2000

// healthcheckCmd is `coachlog healthcheck`: GET /healthz on the listener
// COACHLOG_HTTP_ADDR turns on, for a container's HEALTHCHECK (the image
// has no curl), exit 0 on a 200 and 1 otherwise, with one line that says
// what is wrong. It reads no other setting: it needs neither a token nor
// the database, and an orchestrator runs it beside a bot that started with
// the rest.
func healthcheckCmd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "healthcheck")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs, "it asks the address COACHLOG_HTTP_ADDR names"); err != nil {
		return err
	}
	// loadConfig's parsing, serve's, of the one setting: the address it
	// refuses, and a value wrapped in quotes, are refused alike.
	listenerOnly := func(k string) string {
		if k == "COACHLOG_HTTP_ADDR" {
			return e.getenv(k)
		}
		return ""
	}
	cfg, err := loadConfig(listenerOnly, needs{})
	if err != nil {
		return err
	}
	if cfg.HTTPAddr == "" {
		return usageError("healthcheck asks the bot's ops listener (GET /healthz), which COACHLOG_HTTP_ADDR turns on: " +
			"set it here as it is set for the bot, such as :8080")
	}
	target, err := probeAddr(cfg.HTTPAddr)
	if err != nil {
		return err
	}
	timeout := cmp.Or(e.healthTimeout, healthTimeout)
	line, err := probeHealth(ctx, target, timeout)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("unhealthy: nothing answers at %s (COACHLOG_HTTP_ADDR=%s): is the bot running, with this COACHLOG_HTTP_ADDR?", target, cfg.HTTPAddr)
		}
		return err
	}
	fmt.Fprintln(e.stdout, line)
	return nil
}

// probeAddr is where healthcheck asks the listener serve opens on addr
// (host:port, checked by loadConfig): an address with no host, or the
// unspecified one, listens on every interface, and is asked on the
// loopback, 127.0.0.1 (or [::1] for [::]); any other as it is written.
// Port 0 is a port the bot chose at its start, which healthcheck cannot
// know.
func probeAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err // loadConfig refused it first
	}
	if n, _ := strconv.Atoi(port); n == 0 {
		return "", usageError(fmt.Sprintf("COACHLOG_HTTP_ADDR=%s has the bot listen on a port it chooses at each start, which healthcheck cannot know: "+
			"give the bot and healthcheck a fixed port, such as :8080", addr))
	}
	ip := net.ParseIP(host)
	switch {
	case host == "" || (ip != nil && ip.IsUnspecified() && ip.To4() != nil):
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	return net.JoinHostPort(host, port), nil
}

// healthAnswer is what /healthz answers (ops.Handler), as far as
// healthcheck reads it.
type healthAnswer struct {
	OK       *bool    `json:"ok"`
	Problems []string `json:"problems"`
	Warnings []string `json:"warnings"`
}

// probeHealth asks http://target/healthz within timeout. A 200 is the
// line to print; anything else is an error saying what is wrong: the
// status and the problems /healthz named, an answer that is not
// /healthz's, or none within timeout. A refused connection is returned
// wrapped, for the caller to say with the setting.
func probeHealth(ctx context.Context, target string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	url := "http://" + target + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("unhealthy: cannot ask %s: %w", url, err)
	}
	client := &http.Client{
		// Never through HTTP_PROXY: the listener is this host's (or
		// this container's), which a proxy does not reach.
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
		// A redirect is no answer of /healthz's: said as its status.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	notInTime := func() error {
		return fmt.Errorf("unhealthy: %s did not answer within %s: the bot is wedged, or too busy to answer (/healthz answers within 2s)", url, timeout)
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", notInTime()
		}
		return "", fmt.Errorf("unhealthy: cannot reach %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "", notInTime()
	}
	var answer healthAnswer
	coachlogs := json.Unmarshal(body, &answer) == nil && answer.OK != nil
	said := url + " answered " + resp.Status
	if resp.StatusCode == http.StatusOK {
		line := "healthy: " + said
		if len(answer.Warnings) > 0 {
			line += "; warnings: " + strings.Join(answer.Warnings, " | ")
		}
		return oneLine(line), nil
	}
	switch {
	case coachlogs && len(answer.Problems) > 0:
		said += ": " + strings.Join(answer.Problems, " | ")
	case coachlogs:
		said += ", naming no problem"
	case len(bytes.TrimSpace(body)) == 0:
		said += " with no body, which is not Coachlog's /healthz (another program on that port?)"
	default:
		said += fmt.Sprintf(", which is not Coachlog's /healthz (another program on that port?): %.80q", bytes.TrimSpace(body))
	}
	return "", errors.New(oneLine("unhealthy: " + said))
}

// oneLine is s on one line of at most healthLineMax bytes: control
// characters (an answer's newlines) as spaces, and cut at a character's
// end with "…" when longer.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if len(s) <= healthLineMax {
		return s
	}
	cut := healthLineMax - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

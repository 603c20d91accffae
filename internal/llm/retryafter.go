package llm

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// go-openai's errors carry the status and body of a failed answer, not its
// headers; retryAfterTransport keeps the one header the client needs, a
// 429's or 5xx's Retry-After, for the attempt that sent the request.
type retryAfterTransport struct{ base http.RoundTripper }

// retryAfterSlot is where an attempt finds the Retry-After of its answer.
type retryAfterSlot struct{ header http.Header }

type retryAfterKey struct{}

func (t retryAfterTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500) {
		return resp, err
	}
	if slot, ok := r.Context().Value(retryAfterKey{}).(*retryAfterSlot); ok {
		slot.header = http.Header{}
		keep := []string{"Retry-After", "Retry-After-Ms"}
		if resp.StatusCode == http.StatusTooManyRequests {
			// OpenAI sends it with every answer; only a 429's says when
			// the next request may go.
			keep = append(keep, "X-Ratelimit-Reset-Requests")
		}
		for _, k := range keep {
			if v := resp.Header.Get(k); v != "" {
				slot.header.Set(k, v)
			}
		}
	}
	return resp, err
}

// withRetryAfter wraps hc's transport, leaving hc itself as it was.
func withRetryAfter(hc *http.Client) *http.Client {
	c := *hc
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = retryAfterTransport{base: base}
	return &c
}

// withSlot gives ctx a slot for the Retry-After of the request it carries.
func withSlot(ctx context.Context) (context.Context, *retryAfterSlot) {
	slot := &retryAfterSlot{}
	return context.WithValue(ctx, retryAfterKey{}, slot), slot
}

// retryAfter is how long the server asked to be left alone, 0 when it did
// not say: Retry-After-Ms (Azure OpenAI's, in milliseconds) first, then
// Retry-After, in seconds or as an HTTP date (RFC 9110, section 10.2.3),
// read against now, then OpenAI's X-Ratelimit-Reset-Requests, a Go-style
// duration ("1s", "6m0s":
// https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers),
// kept from a 429 only. A date already past is 0.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil {
			return clampWait(ms / 1000)
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil {
			return clampWait(s)
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return t.Sub(now)
		}
		return 0
	}
	if d, err := time.ParseDuration(strings.TrimSpace(h.Get("X-Ratelimit-Reset-Requests"))); err == nil {
		return clampWait(d.Seconds())
	}
	return 0
}

// clampWait turns seconds into a wait: none below zero, and a year for
// anything longer (which no caller waits).
func clampWait(s float64) time.Duration {
	const year = 365 * 24 * time.Hour
	switch {
	case s <= 0 || s != s: // NaN too
		return 0
	case s >= year.Seconds():
		return year
	}
	return time.Duration(s * float64(time.Second))
}

// maxHold is the longest a 429's wait holds off later calls, whatever the
// server asks: a proxy's Retry-After of a day must not silence LLM help
// for a day.
const maxHold = 5 * time.Minute

package ops

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Profiles are served only when switched on; /healthz is served either way.
func TestProfilingIsOffUnlessSwitchedOn(t *testing.T) {
	healthy := Checks{Now: time.Now}
	for _, tc := range []struct {
		name  string
		h     http.Handler
		pprof int
	}{
		{"off", Handler(healthy, nil), http.StatusNotFound},
		{"on", Profiling(Handler(healthy, nil)), http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.h)
			defer srv.Close()
			for _, p := range []struct {
				path string
				want int
				body string
			}{
				{"/debug/pprof/", tc.pprof, "goroutine"},
				{"/debug/pprof/goroutine?debug=1", tc.pprof, "goroutine profile"},
				{"/healthz", http.StatusOK, `"ok":true`},
			} {
				resp, err := http.Get(srv.URL + p.path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != p.want {
					t.Fatalf("GET %s = %d, want %d", p.path, resp.StatusCode, p.want)
				}
				if p.want == http.StatusOK && !strings.Contains(string(body), p.body) {
					t.Fatalf("GET %s: body lacks %q:\n%.300s", p.path, p.body, body)
				}
			}
		})
	}
}

package ops

import (
	"net/http"
	"net/http/pprof"
)

// Profiling serves Go's profiles under /debug/pprof/ beside h, for an
// operator chasing CPU or memory on a live bot. It is off unless asked for
// (COACHLOG_PPROF=on): a profile shows the program's internals and costs
// CPU while it runs, so it belongs only on a listener operators control.
// The handlers are mounted on their own mux rather than through the
// net/http/pprof import's side effect on http.DefaultServeMux.
func Profiling(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("/", h)
	return mux
}

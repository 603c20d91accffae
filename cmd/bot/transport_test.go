package main

import (
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coachlog/coachlog/internal/outbox"
)

// The Web API client opens no more connections to a host than it keeps
// idle (outbox.RepliesAtOnce): a call past them, with all of them busy,
// waits for one to be free and reuses it, where it opened one more, for
// one call, each with its buffers and goroutines; under load a burst of
// forms opened 1,400 at once.
func TestTheSlackTransportOpensNoMoreConnectionsThanItKeeps(t *testing.T) {
	t.Parallel()
	var active atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		active.Add(1)
		<-release
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	var getConns, connects atomic.Int64
	trace := &httptrace.ClientTrace{
		GetConn:      func(string) { getConns.Add(1) },
		ConnectStart: func(string, string) { connects.Add(1) },
	}
	ctx := httptrace.WithClientTrace(ctxT(t), trace)
	client := &http.Client{Transport: slackTransport()}
	var wg sync.WaitGroup
	call := func() {
		defer wg.Done()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/views.open", nil)
		if err != nil {
			t.Error(err)
			return
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
	}
	wg.Add(outbox.RepliesAtOnce + 1)
	for range outbox.RepliesAtOnce {
		go call()
	}
	eventually(t, "every kept connection busy", func() bool { return active.Load() == outbox.RepliesAtOnce })
	go call()
	eventually(t, "one more call asking for a connection", func() bool { return getConns.Load() == outbox.RepliesAtOnce+1 })
	close(release)
	wg.Wait()
	if n := connects.Load(); n != outbox.RepliesAtOnce {
		t.Errorf("%d connections opened for %d calls with %d at once busy, want %d", n, outbox.RepliesAtOnce+1, outbox.RepliesAtOnce, outbox.RepliesAtOnce)
	}
}

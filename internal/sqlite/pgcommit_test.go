package sqlite_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/sqlite"
	"github.com/coachlog/coachlog/internal/sqlite/sqlitetest"
)

// cutMode says where commitCutter cuts the COMMIT it is armed for.
type cutMode int

const (
	// cutBefore drops COMMIT and closes both sides: the server reads the
	// end of its client's socket in the transaction and rolls it back.
	cutBefore cutMode = iota + 1
	// cutAfter forwards COMMIT, waits for the server's answer (so it has
	// committed), drops it and closes both sides.
	cutAfter
	// cutClientOnly drops COMMIT and closes only the client's side, the
	// server's left open: a partition, where the server does not learn
	// that its client is gone and holds the transaction open.
	cutClientOnly
	// cutAfterDown is cutAfter, and then the server is out of reach until
	// up: every connection through the proxy is closed, and each new one
	// at once.
	cutAfterDown
)

// commitCutter is a TCP proxy between the store and the PostgreSQL server
// under test. Armed, it cuts the connection at the next COMMIT of a
// read-write transaction (one not begun READ ONLY: the store's reads
// spanning several queries commit too), once, as a failover or a
// network fault does; everything else it forwards as it is.
type commitCutter struct {
	t      *testing.T
	url    string // the database's URL through the proxy
	target string // host:port of the server

	stop chan struct{} // closed when the test ends

	mu    sync.Mutex
	armed cutMode
	cuts  int
	down  bool
	live  map[net.Conn]bool // client sides open
}

// newCommitCutter starts a proxy in front of db's server and returns it;
// it stops when the test ends.
func newCommitCutter(t *testing.T, db string) *commitCutter {
	t.Helper()
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &commitCutter{t: t, target: u.Host, stop: make(chan struct{}), live: map[net.Conn]bool{}}
	if u.Port() == "" {
		c.target = net.JoinHostPort(u.Hostname(), "5432")
	}
	u.Host = ln.Addr().String()
	c.url = u.String()
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		close(c.stop)
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.serve(client)
			}()
		}
	}()
	return c
}

// arm makes the proxy cut the next read-write COMMIT as mode says.
func (c *commitCutter) arm(mode cutMode) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed = mode
}

// cutCount is how many COMMITs the proxy has cut.
func (c *commitCutter) cutCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cuts
}

// goDown closes every connection through the proxy, and has it close each
// new one at once, until up.
func (c *commitCutter) goDown() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down = true
	for conn := range c.live {
		conn.Close()
	}
}

// up has the proxy forward new connections again.
func (c *commitCutter) up() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down = false
}

// take disarms the proxy and returns the mode it was armed with, if any.
func (c *commitCutter) take() cutMode {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.armed
	if m != 0 {
		c.armed = 0
		c.cuts++
	}
	return m
}

// serve forwards one client connection, reading the client's messages
// (PostgreSQL's frontend protocol: an untyped startup message, SSL or
// GSS requests first if any, then a type byte and a length) to find its
// COMMIT.
func (c *commitCutter) serve(client net.Conn) {
	c.mu.Lock()
	down := c.down
	if !down {
		c.live[client] = true
	}
	c.mu.Unlock()
	if down {
		client.Close()
		return
	}
	defer func() {
		c.mu.Lock()
		delete(c.live, client)
		c.mu.Unlock()
	}()
	server, err := net.Dial("tcp", c.target)
	if err != nil {
		client.Close()
		return
	}
	var mu sync.Mutex
	swallow := false  // the server's next bytes answer a COMMIT the client must not hear of
	thenDown := false // and the proxy goes down once they come
	closeBoth := func() {
		client.Close()
		server.Close()
	}
	done := make(chan struct{})
	go func() { // server to client
		defer close(done)
		buf := make([]byte, 32<<10)
		for {
			n, err := server.Read(buf)
			if n > 0 {
				mu.Lock()
				sw, td := swallow, thenDown
				mu.Unlock()
				if sw { // the server answered COMMIT: it committed
					if td {
						c.goDown()
					}
					closeBoth()
					return
				}
				if _, werr := client.Write(buf[:n]); werr != nil {
					closeBoth()
					return
				}
			}
			if err != nil {
				client.Close()
				return
			}
		}
	}()
	defer func() { <-done }()
	defer server.Close()
	defer client.Close()

	readOnly := false // the transaction now open began READ ONLY
	// The startup message, after any SSLRequest or GSSENCRequest (8
	// bytes, answered by one byte the other goroutine forwards).
	for {
		msg, err := readUntyped(client)
		if err != nil {
			return
		}
		if _, err := server.Write(msg); err != nil {
			return
		}
		if len(msg) != 8 {
			break
		}
		code := binary.BigEndian.Uint32(msg[4:])
		if code != 80877103 && code != 80877104 {
			break
		}
	}
	for {
		var head [5]byte
		if _, err := io.ReadFull(client, head[:]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint32(head[1:])) - 4
		if n < 0 || n > 64<<20 {
			return
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(client, body); err != nil {
			return
		}
		if head[0] == 'Q' {
			text := strings.ToLower(strings.TrimSpace(string(bytes.TrimRight(body, "\x00"))))
			switch {
			case strings.HasPrefix(text, "begin"):
				readOnly = strings.Contains(text, "read only")
			case text == "commit" && !readOnly:
				switch mode := c.take(); mode {
				case cutBefore:
					closeBoth()
					return
				case cutClientOnly:
					client.Close()
					<-c.stop // the server's side stays open until the test ends
					return
				case cutAfter, cutAfterDown:
					mu.Lock()
					swallow, thenDown = true, mode == cutAfterDown
					mu.Unlock()
				}
			}
		}
		if _, err := server.Write(append(head[:], body...)); err != nil {
			return
		}
	}
}

// readUntyped reads one message without a type byte (a startup message).
func readUntyped(r io.Reader) ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint32(head[:]))
	if n < 4 || n > 1<<20 {
		return nil, errors.New("bad startup message length")
	}
	msg := make([]byte, n)
	copy(msg, head[:])
	_, err := io.ReadFull(r, msg[4:])
	return msg, err
}

// A write whose connection is lost once COMMIT is sent learns, on
// another connection, whether it committed: stored, it succeeds without
// running again; not stored, it runs again and succeeds. A capture is
// stored once and its manager told it was logged either way, and so is a
// write with no submission key to find itself by (an insert run again
// after a COMMIT that did commit would store a second session). A server
// left holding the transaction, its client cut off in the network, would
// hold it (and the submission key's lock a redelivery waits on) until TCP
// keepalive noticed, hours perhaps: its backend is ended, and the write
// runs again.
func TestPostgresALostCommitIsFoundOutNotGuessed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mode  cutMode
		tries int // runs of the keyless write's fn
	}{
		{"cut before the server read COMMIT", cutBefore, 2},
		{"cut after the server committed", cutAfter, 1},
		{"cut with the server left holding the transaction", cutClientOnly, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := sqlitetest.PostgresMigrated(t)
			ctx := context.Background()
			cut := newCommitCutter(t, db)
			st := open(t, cut.url, sqlite.Options{MaxConns: 2})
			svc := coaching.NewService(coaching.Config{Store: st})
			count := func(q string) int {
				t.Helper()
				var n int
				if err := st.QueryRow(ctx, q, &n); err != nil {
					t.Fatal(err)
				}
				return n
			}

			// The capture path: a modal submission's LogSession.
			cut.arm(tc.mode)
			s, err := logOne(ctx, svc, "UM", "UR", "V-capture")
			if cut.cutCount() != 1 {
				t.Fatalf("the proxy cut %d COMMITs, want 1", cut.cutCount())
			}
			if err != nil {
				t.Fatalf("a capture whose COMMIT lost its connection: %v; want it logged and said so", err)
			}
			if n := count(`SELECT count(*) FROM sessions WHERE manager_id = 'UM'`); n != 1 {
				t.Fatalf("%d sessions stored for one capture, want 1", n)
			}
			if n := count(fmt.Sprintf(`SELECT count(*) FROM sessions WHERE id = %d`, s.ID)); n != 1 {
				t.Fatalf("the capture answered session %d, which is not the one stored", s.ID)
			}
			if n := count(`SELECT count(*) FROM outbox WHERE recipient = 'UR'`); n != 1 {
				t.Fatalf("%d DMs queued for the capture's rep, want 1", n)
			}

			// A write with no key: run again only if it did not commit.
			cut.arm(tc.mode)
			tries := 0
			sess := oneOnOne("UM2", "UR2", today(), 30)
			err = st.Update(ctx, func(tx coaching.Tx) error {
				tries++
				for _, id := range []string{"UM2", "UR2"} {
					if err := tx.EnsurePerson(ctx, id); err != nil {
						return err
					}
				}
				return tx.InsertSession(ctx, &sess)
			})
			if cut.cutCount() != 2 {
				t.Fatalf("the proxy cut %d COMMITs, want 2", cut.cutCount())
			}
			if err != nil || tries != tc.tries {
				t.Fatalf("a keyless write whose COMMIT lost its connection: %v after %d runs; want stored after %d", err, tries, tc.tries)
			}
			if n := count(`SELECT count(*) FROM sessions WHERE manager_id = 'UM2'`); n != 1 {
				t.Fatalf("%d sessions stored by one write, want 1", n)
			}
		})
	}
}

// A COMMIT whose fate the server cannot be asked about (out of reach once
// the connection is lost) is not run again: it fails with
// ErrCommitUncertain, and, stored, is stored once.
func TestPostgresALostCommitStaysUncertainWhileTheServerIsOutOfReach(t *testing.T) {
	db := sqlitetest.PostgresMigrated(t)
	ctx := context.Background()
	cut := newCommitCutter(t, db)
	st := open(t, cut.url, sqlite.Options{MaxConns: 2})
	cut.arm(cutAfterDown)
	tries := 0
	err := st.Update(ctx, func(tx coaching.Tx) error {
		tries++
		return tx.EnsurePerson(ctx, "U1")
	})
	if cut.cutCount() != 1 {
		t.Fatalf("the proxy cut %d COMMITs, want 1", cut.cutCount())
	}
	if !errors.Is(err, sqlite.ErrCommitUncertain) || tries != 1 {
		t.Fatalf("a lost COMMIT the server could not be asked about: %v after %d runs; want ErrCommitUncertain after one", err, tries)
	}
	cut.up()
	var n int
	if err := st.QueryRow(ctx, `SELECT count(*) FROM people WHERE id = 'U1'`, &n); err != nil || n != 1 {
		t.Fatalf("%d people stored by the write, want 1 (%v)", n, err)
	}
}

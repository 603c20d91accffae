package fakeslack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// disconnectGrace is how long a socket told to disconnect may stay open
// before the fake closes it itself; Slack warns about 10 seconds ahead.
const disconnectGrace = 10 * time.Second

// wsConn is one Socket Mode connection.
type wsConn struct {
	id      int
	ws      *websocket.Conn
	writeMu sync.Mutex    // gorilla allows one concurrent writer
	gone    chan struct{} // closed when the read loop ends

	// Guarded by Server.mu.
	ready    bool // hello was sent: envelopes may follow
	draining bool // a disconnect was sent: route no new envelopes here
	grace    *time.Timer
}

// appsConnectionsOpen answers apps.connections.open with a one-use ws:// URL.
func (s *Server) appsConnectionsOpen(*apiRequest) apiResult {
	ticket := newUUID()
	s.st.tickets[ticket] = true
	u := "ws" + strings.TrimPrefix(s.baseURL, "http") + "/ws?ticket=" + ticket
	return okResult(map[string]any{"url": u})
}

// handleWS upgrades a ticketed request, says hello, pings, and reads acks
// until the socket ends. It runs in the (tracked) handler goroutine.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	valid := s.st.tickets[ticket]
	delete(s.st.tickets, ticket)
	s.mu.Unlock()
	if !valid {
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		s.log.Warn("websocket upgrade failed", slog.String("error", err.Error()))
		return
	}

	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ws.Close()
		return
	}
	if s.openConnsLocked() >= MaxConnections {
		// Slack tells the extra socket why and closes it, as in
		// pysdk_disconnect_too_many_websockets.json; it never says hello.
		s.refuseLocked(ws, "too_many_websockets")
		s.log.Warn("refused a socket past the app's limit", slog.Int("max", MaxConnections))
		return
	}
	if s.st.linkDisabled {
		// Socket Mode is off for the app: the socket is told so and
		// closed, without a hello.
		s.refuseLocked(ws, "link_disabled")
		return
	}
	s.st.connSeq++
	c := &wsConn{id: s.st.connSeq, ws: ws, gone: make(chan struct{})}
	s.st.conns = append(s.st.conns, c)
	hello := s.controlMessageLocked("hello", "")
	s.wg.Add(1) // for pingLoop; the handler itself is already tracked
	s.mu.Unlock()

	go s.pingLoop(c)
	defer func() {
		close(c.gone)
		ws.Close()
		s.removeConn(c)
	}()

	if err := s.writeText(c, hello); err != nil {
		s.log.Warn("send hello failed", slog.Int("conn", c.id), slog.String("error", err.Error()))
		return
	}
	s.mu.Lock()
	c.ready = true
	s.st.hellos++
	s.notifyLocked()
	s.mu.Unlock()
	s.log.Info("socket mode client connected", slog.Int("conn", c.id))

	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			s.log.Info("socket mode client gone", slog.Int("conn", c.id), slog.String("reason", err.Error()))
			return
		}
		s.handleAck(c.id, data)
	}
}

// controlMessageLocked builds hello or disconnect, shaped like pysdk_hello.json
// and pysdk_disconnect_too_many_websockets.json.
func (s *Server) controlMessageLocked(typ, reason string) []byte {
	m := map[string]any{
		"type":            typ,
		"num_connections": len(s.st.conns),
		"debug_info":      map[string]any{"host": "applink-fake-1"},
		"connection_info": map[string]any{"app_id": s.appID},
	}
	if typ == "hello" {
		m["debug_info"] = map[string]any{
			"host": "applink-fake-1", "build_number": 10, "approximate_connection_time": 18060,
		}
	} else {
		m["reason"] = reason
	}
	b, _ := json.Marshal(m) // a map of plain values always marshals
	return b
}

// pingLoop sends a WebSocket PING every pingInterval, as Slack does; slack-go
// treats a silent server as dead.
func (s *Server) pingLoop(c *wsConn) {
	defer s.wg.Done()
	t := time.NewTicker(s.pingInterval)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-s.done:
			return
		case <-c.gone:
			return
		case <-t.C:
		}
		s.mu.Lock()
		paused := s.st.pingsPaused
		s.mu.Unlock()
		if paused {
			continue
		}
		// WriteControl may run concurrently with other writes.
		if err := c.ws.WriteControl(websocket.PingMessage, fmt.Appendf(nil, "ping-%d", n),
			time.Now().Add(5*time.Second)); err != nil {
			return
		}
	}
}

// writeText writes one text frame to c, serialised with other writers.
func (s *Server) writeText(c *wsConn, b []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return fmt.Errorf("set write deadline: %w", err)
	}
	if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		return fmt.Errorf("write to socket %d: %w", c.id, err)
	}
	return nil
}

// removeConn forgets a socket that ended.
func (s *Server) removeConn(c *wsConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.st.conns {
		if x == c {
			s.st.conns = append(s.st.conns[:i], s.st.conns[i+1:]...)
			break
		}
	}
	if c.grace != nil {
		c.grace.Stop()
	}
	s.notifyLocked()
}

// MaxConnections is how many Socket Mode connections one app may hold open
// at once; Slack refuses more (a `disconnect` with reason
// too_many_websockets) and spreads envelopes over the ones open.
const MaxConnections = 10

// pickConnLocked chooses, round-robin, a socket that got hello and was not
// told to disconnect, preferring one other than avoid (the conn id an
// envelope last went to), as Slack spreads envelopes and retries over an
// app's connections.
func (s *Server) pickConnLocked(avoid int) *wsConn {
	ready := s.readyConnsLocked()
	if len(ready) == 0 {
		return nil
	}
	for range ready {
		s.st.rr++
		c := ready[s.st.rr%len(ready)]
		if c.id != avoid || len(ready) == 1 {
			return c
		}
	}
	return ready[0]
}

// readyConnsLocked lists the sockets that got hello and were not told to
// disconnect: those envelopes may go to.
func (s *Server) readyConnsLocked() []*wsConn {
	var ready []*wsConn
	for _, c := range s.st.conns {
		if c.ready && !c.draining {
			ready = append(ready, c)
		}
	}
	return ready
}

// refuseLocked tells a socket just opened why it is refused (a disconnect
// with reason) and closes it, without a hello; it releases s.mu.
func (s *Server) refuseLocked(ws *websocket.Conn, reason string) {
	msg := s.controlMessageLocked("disconnect", reason)
	s.st.refused++
	s.notifyLocked()
	s.mu.Unlock()
	_ = ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_ = ws.WriteMessage(websocket.TextMessage, msg)
	ws.Close()
}

// openConnsLocked counts the sockets that count against MaxConnections:
// those open and not told to go.
func (s *Server) openConnsLocked() int {
	n := 0
	for _, c := range s.st.conns {
		if !c.draining {
			n++
		}
	}
	return n
}

// Connections is the number of sockets that have connected and received
// hello since Start (reconnections included).
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.hellos
}

// RefusedConnections is the number of sockets refused without a hello:
// because MaxConnections were open, or while Socket Mode was off
// (SetLinkDisabled).
func (s *Server) RefusedConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.refused
}

// WaitActive waits until n sockets are open and have been sent hello.
func (s *Server) WaitActive(ctx context.Context, n int) error {
	return s.waitFor(ctx, fmt.Sprintf("wait for %d open connections", n), func() bool {
		return len(s.readyConnsLocked()) >= n
	})
}

// ActiveConnections is the number of sockets open now.
func (s *Server) ActiveConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.st.conns)
}

// WaitConnected waits until the n-th connection since Start is up and has
// been sent hello.
func (s *Server) WaitConnected(ctx context.Context, n int) error {
	return s.waitFor(ctx, fmt.Sprintf("wait for connection #%d", n), func() bool {
		return s.st.hellos >= n && len(s.st.conns) > 0
	})
}

// DropConnection closes every open socket abruptly, without a close frame,
// like a network failure. slack-go notices and reconnects.
func (s *Server) DropConnection() {
	s.mu.Lock()
	conns := append([]*wsConn(nil), s.st.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		s.log.Info("dropping socket", slog.Int("conn", c.id))
		c.ws.Close() // gorilla's Close sends no close frame
	}
}

// DropConnectionMidFrame starts a text frame on every open socket, writes
// only part of it and closes the connection, as a network failure in the
// middle of an envelope does: the client reads a frame that never ends.
func (s *Server) DropConnectionMidFrame() {
	s.mu.Lock()
	conns := append([]*wsConn(nil), s.st.conns...)
	s.mu.Unlock()
	// A server frame is unmasked: FIN and text, a 16-bit length of 300,
	// then 40 of those bytes.
	partial := append([]byte{0x81, 126, 0x01, 0x2c}, []byte(`{"envelope_id":"cut-off","type":"slash_c`)...)
	for _, c := range conns {
		s.log.Info("dropping socket mid-frame", slog.Int("conn", c.id))
		c.writeMu.Lock()
		nc := c.ws.NetConn()
		_ = nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
		_, _ = nc.Write(partial)
		nc.Close()
		c.writeMu.Unlock()
	}
}

// SendDisconnect sends a `disconnect` message with reason (for example
// "warning", "refresh_requested", "too_many_websockets") to every open
// socket. New envelopes wait for the client's next connection; a socket the
// client does not close within 10 seconds is closed by the fake.
func (s *Server) SendDisconnect(reason string) error {
	s.mu.Lock()
	var targets []*wsConn
	for _, c := range s.st.conns {
		if c.ready && !c.draining {
			c.draining = true
			targets = append(targets, c)
		}
	}
	msg := s.controlMessageLocked("disconnect", reason)
	for _, c := range targets {
		c.grace = time.AfterFunc(disconnectGrace, func() { c.ws.Close() })
	}
	s.notifyLocked()
	s.mu.Unlock()
	if len(targets) == 0 {
		return errors.New("send disconnect: no client connected")
	}
	var errs []error
	for _, c := range targets {
		if err := s.writeText(c, msg); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("send disconnect: %w", err)
	}
	return nil
}

// SetPingsPaused stops (true) or resumes (false) WebSocket PINGs, to see the
// client give up on a silent server.
func (s *Server) SetPingsPaused(paused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.pingsPaused = paused
}

// SetLinkDisabled turns the app's Socket Mode off (true), as an admin does
// in the app's settings, or back on (false). While it is off, every open
// socket is told `disconnect` with reason link_disabled and closed, and
// every new socket is told the same at once, without a hello, and closed
// (RefusedConnections counts them). Slack does not document what
// apps.connections.open answers meanwhile; the fake keeps handing out
// URLs, the harshest reading: a client that reconnects at once spins.
func (s *Server) SetLinkDisabled(disabled bool) {
	s.mu.Lock()
	s.st.linkDisabled = disabled
	var open []*wsConn
	if disabled {
		for _, c := range s.st.conns {
			if !c.draining {
				c.draining = true
				open = append(open, c)
			}
		}
	}
	msg := s.controlMessageLocked("disconnect", "link_disabled")
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range open {
		if err := s.writeText(c, msg); err != nil {
			s.log.Warn("send link_disabled failed", slog.Int("conn", c.id), slog.String("error", err.Error()))
		}
		c.ws.Close()
	}
}

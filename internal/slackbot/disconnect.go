package slackbot

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/websocket"
)

// Slack's `disconnect` message says why it closes a socket, in reason
// (https://docs.slack.dev/apis/events-api/using-socket-mode/): Slack
// refreshes sockets (refresh_requested), warns ten seconds ahead
// (warning), refuses an app's eleventh socket (too_many_websockets), and
// closes every socket while Socket Mode is switched off in the app's
// settings (link_disabled). slack-go (v0.35) reopens a socket on any
// `disconnect` without passing the message on, so the bot reads the
// reason off the socket's bytes as they arrive (socketTap), to say what
// happened and what to do.
const (
	reasonRefresh      = "refresh_requested"
	reasonWarning      = "warning"
	reasonTooMany      = "too_many_websockets"
	reasonLinkDisabled = "link_disabled"
)

// disconnected says why Slack is closing a socket (a `disconnect`, typ),
// at the level what it means calls for, and tells the reconnect gate,
// whose pauses then say what to do; a `hello` tells the gate a socket was
// greeted. Slack refusing socket after socket for one reason is said
// once, at the first (Debug after that); the gate's pauses go on saying it.
func (b *Bot) disconnected(typ, reason string) {
	if typ == "hello" {
		b.gate.greeted()
		return
	}
	if reason != reasonRefresh && reason != reasonWarning {
		b.setConnectionError(reason)
	}
	level, msg := disconnectSaid(reason)
	if !b.gate.disconnected(reason) {
		level = slog.LevelDebug
	}
	b.log.Log(context.Background(), level, msg, "reason", reason)
}

// disconnectSaid is what the log says of a `disconnect` with reason, and
// at which level.
func disconnectSaid(reason string) (slog.Level, string) {
	switch reason {
	case reasonRefresh:
		return slog.LevelInfo, "Slack is replacing the Socket Mode connection, as it does every few hours; reconnecting"
	case reasonWarning:
		return slog.LevelInfo, "Slack will close the Socket Mode connection in a few seconds; reconnecting"
	case reasonTooMany:
		return slog.LevelWarn, "Slack refused the Socket Mode connection: the app has too many open (Slack allows 10 per app); " +
			"stop a replica, or another process using SLACK_APP_TOKEN"
	case reasonLinkDisabled:
		return slog.LevelError, "Socket Mode was switched off for the app: Slack closes every connection until it is switched on again " +
			"(api.slack.com/apps, the app, Socket Mode); Coachlog keeps trying"
	}
	return slog.LevelWarn, "Slack closed the Socket Mode connection; reconnecting"
}

// Handshake timeout and write buffer as slack-go's own dialer has them.
const (
	socketHandshakeTimeout = 45 * time.Second
	socketWriteBuffer      = 32 * 1024
)

// tapDialer is a websocket dialer whose connections report each Slack
// `hello` and `disconnect` message to onControl, read by a socketTap from
// what the connection reads: for wss, below gorilla, after TLS. It is nil
// when the environment names an HTTPS proxy: gorilla would make the TLS
// handshake of a dial it does not do with the proxy itself, so
// slack-go's own dialer is kept, and reasons go unread.
func tapDialer(onControl func(typ, reason string)) *websocket.Dialer {
	probe := &http.Request{URL: &url.URL{Scheme: "https", Host: "wss-primary.slack.com"}}
	if p, err := http.ProxyFromEnvironment(probe); err != nil || p != nil {
		return nil
	}
	var nd net.Dialer
	return &websocket.Dialer{
		HandshakeTimeout: socketHandshakeTimeout,
		WriteBufferSize:  socketWriteBuffer,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := nd.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &tapConn{Conn: c, tap: socketTap{onControl: onControl}}, nil
		},
		// As gorilla does it for wss: the server's name from addr.
		NetDialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&tls.Dialer{NetDialer: &nd}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &tapConn{Conn: c, tap: socketTap{onControl: onControl}}, nil
		},
	}
}

// tapConn is a socket's connection with a socketTap on what it reads.
// gorilla reads a connection from one goroutine only.
type tapConn struct {
	net.Conn
	tap socketTap
}

func (c *tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.tap.scan(p[:n])
	return n, err
}

// maxTapped is the longest text message the tap reads: `disconnect` is a
// few hundred bytes; anything longer (an envelope) is skipped unread.
const maxTapped = 4 << 10

// socketTap follows the bytes a websocket client reads: the HTTP answer
// to its upgrade, then frames (RFC 6455, section 5.2). It keeps only a
// single-frame, uncompressed text message of at most maxTapped bytes, and
// reports one that is Slack's `hello` or `disconnect`, with the latter's
// reason. Nothing else it reads is kept or logged: a message can hold a
// note.
type socketTap struct {
	onControl func(typ, reason string)

	upgraded bool // the HTTP answer is behind
	crlf     int  // bytes of "\r\n\r\n" matched so far, before upgraded

	head    [14]byte // a frame's header as read so far
	headN   int
	left    uint64 // payload bytes of the frame still to come
	keep    bool   // the frame is one to read
	payload []byte
}

func (t *socketTap) scan(p []byte) {
	for len(p) > 0 {
		switch {
		case !t.upgraded:
			p = t.skipHTTP(p)
		case t.left > 0:
			n := min(uint64(len(p)), t.left)
			if t.keep {
				t.payload = append(t.payload, p[:n]...)
			}
			p, t.left = p[n:], t.left-n
			if t.left == 0 {
				t.done()
			}
		default:
			t.head[t.headN] = p[0]
			t.headN++
			p = p[1:]
			t.header()
		}
	}
}

// skipHTTP passes over the upgrade's answer, up to its blank line.
func (t *socketTap) skipHTTP(p []byte) []byte {
	const end = "\r\n\r\n"
	for i, b := range p {
		switch {
		case b == end[t.crlf]:
			t.crlf++
		case b == end[0]:
			t.crlf = 1
		default:
			t.crlf = 0
		}
		if t.crlf == len(end) {
			t.upgraded = true
			return p[i+1:]
		}
	}
	return nil
}

// header reads the frame header once it is whole: its length comes in
// its second byte, and a longer one in the bytes after.
func (t *socketTap) header() {
	if t.headN < 2 {
		return
	}
	h := t.head[:t.headN]
	need := 2
	switch h[1] & 0x7f {
	case 126:
		need += 2
	case 127:
		need += 8
	}
	masked := h[1]&0x80 != 0
	if masked {
		need += 4
	}
	if t.headN < need {
		return
	}
	var size uint64
	switch h[1] & 0x7f {
	case 126:
		size = uint64(binary.BigEndian.Uint16(h[2:4]))
	case 127:
		size = binary.BigEndian.Uint64(h[2:10])
	default:
		size = uint64(h[1] & 0x7f)
	}
	// FIN, no RSV bits (no compression), a text frame; never masked from
	// a server.
	t.keep = h[0] == 0x81 && !masked && size <= maxTapped
	t.headN, t.left, t.payload = 0, size, t.payload[:0]
	if size == 0 {
		t.done()
	}
}

// done reads a whole frame kept, then forgets it.
func (t *socketTap) done() {
	defer func() { t.keep = false }()
	if !t.keep || !bytes.Contains(t.payload, []byte(`"disconnect"`)) && !bytes.Contains(t.payload, []byte(`"hello"`)) {
		return
	}
	var m struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	}
	if json.Unmarshal(t.payload, &m) == nil && (m.Type == "disconnect" || m.Type == "hello") && t.onControl != nil {
		t.onControl(m.Type, m.Reason)
	}
}

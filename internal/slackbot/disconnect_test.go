package slackbot

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
)

// frame is a websocket frame as a server writes it (RFC 6455 5.2):
// unmasked, the length in 7 bits, or 16 or 64 after.
func frame(first byte, payload []byte) []byte {
	b := []byte{first}
	switch n := len(payload); {
	case n < 126:
		b = append(b, byte(n))
	case n <= 0xffff:
		b = append(b, 126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
}

// The tap reads Slack's hello and the reason of each `disconnect`, in the
// stream a client reads after its upgrade, however the reads split it:
// not one of an envelope that merely holds the word, nor a ping, a
// fragment, a compressed frame or a message too long to be one.
func TestTheTapReadsDisconnectReasons(t *testing.T) {
	disconnect := func(reason string) []byte {
		return []byte(`{"type":"disconnect","reason":"` + reason + `","num_connections":2,"debug_info":{"host":"applink-111-xxx"},"connection_info":{"app_id":"A111"}}`)
	}
	envelope := []byte(`{"type":"events_api","envelope_id":"e1","payload":{"event":{"text":"\"type\":\"disconnect\""}}}`)
	long := append([]byte(`{"type":"disconnect","reason":"too_long","pad":"`), bytes.Repeat([]byte("x"), 70000)...)
	long = append(long, `"}`...)
	stream := slices.Concat(
		[]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"),
		frame(0x81, []byte(`{"type":"hello","num_connections":1}`)),
		frame(0x89, []byte("ping")),
		frame(0x81, envelope),
		frame(0x81, disconnect("warning")),
		frame(0x81, long),
		frame(0x81, []byte(strings.Repeat(" ", 300)+string(disconnect("refresh_requested")))), // 16-bit length
		frame(0x01, disconnect("fragment")),                                                   // a first fragment
		frame(0xc1, disconnect("compressed")),                                                 // RSV1: permessage-deflate
		frame(0x82, disconnect("binary")),                                                     // not text
		frame(0x81, nil),                                                                      // empty
		frame(0x81, disconnect("link_disabled")),                                              // last
	)
	want := []string{"hello:", "disconnect:warning", "disconnect:refresh_requested", "disconnect:link_disabled"}
	for _, size := range []int{1, 2, 3, 7, 64, 4096, len(stream)} {
		var got []string
		tap := socketTap{onControl: func(typ, r string) { got = append(got, typ+":"+r) }}
		for b := stream; len(b) > 0; {
			n := min(size, len(b))
			tap.scan(b[:n])
			b = b[n:]
		}
		if !slices.Equal(got, want) {
			t.Errorf("read %d bytes at a time: reasons %q, want %q", size, got, want)
		}
	}
}

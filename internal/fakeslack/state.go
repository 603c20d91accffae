package fakeslack

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"
)

// state is everything the fake remembers; it is guarded by Server.mu.
type state struct {
	// Socket Mode.
	tickets     map[string]bool
	conns       []*wsConn // open sockets, oldest first
	connSeq     int       // sockets accepted so far
	hellos      int       // sockets that received hello
	refused     int       // sockets refused: past MaxConnections, or while the link is disabled
	rr          int       // round-robin position among ready sockets
	pingsPaused bool
	// linkDisabled: Socket Mode is off for the app (SetLinkDisabled).
	linkDisabled bool
	envelopes    map[string]*envelope
	// unacked are the events_api envelopes with a retry armed, by id.
	unacked  map[string]*envelope
	acks     []Ack
	lostAcks []Ack // see LoseAcks
	ackHook  func(Ack)

	// Recording and faults.
	calls     []Call
	responses []Response
	faults    map[string][]Fault
	latency   map[string]time.Duration
	held      map[string][]*heldAnswers // per method, the answers held (HoldAnswers)
	started   map[string]int            // calls received per method, answered or not (latency)
	rateCalls map[string][]time.Time    // per rate-limited method, the calls in its window
	// tats: per limit (a method, or a method and channel), when the next
	// call would be on time at the steady rate (see gcraLocked).
	tats     map[string]time.Time
	revoked  bool
	problems []Problem // what real Slack would refuse; see Problem

	// Workspace.
	users    []*User
	userByID map[string]*User
	// directoryUsed turns on user checks once a test has added users.
	directoryUsed bool
	dmsOpened     map[string]bool
	// dmByUser and dmUser map a user to the id of the bot's DM with them
	// and back; see dmChannelLocked.
	dmByUser map[string]string
	dmUser   map[string]string
	channels map[string]bool // channel id -> the bot is a member; see AddChannel
	// privateChannels are the channels added with AddPrivateChannel.
	privateChannels map[string]bool
	conv            map[string]*convFlags // shared, archived; see conversations.go
	msgs            map[string]*message   // by channel+"/"+ts
	msgOrder        []*message
	// deleteNext counts, per channel, the bot's next top-level posts a
	// person deletes as soon as they land (DeleteNextPosts).
	deleteNext map[string]int
	lastTS     int64 // microseconds of the last ts handed out

	// Surfaces.
	triggers     map[string]*trigger
	views        map[string]*view
	viewSeq      int
	homes        map[string]string // user id -> view id
	responseURLs map[string]*responseURL
	files        map[string]*fileRec
	fileSeq      int
}

func newState() state {
	return state{
		tickets:         map[string]bool{},
		envelopes:       map[string]*envelope{},
		unacked:         map[string]*envelope{},
		faults:          map[string][]Fault{},
		latency:         map[string]time.Duration{},
		held:            map[string][]*heldAnswers{},
		started:         map[string]int{},
		rateCalls:       map[string][]time.Time{},
		tats:            map[string]time.Time{},
		userByID:        map[string]*User{},
		dmsOpened:       map[string]bool{},
		dmByUser:        map[string]string{},
		dmUser:          map[string]string{},
		channels:        map[string]bool{},
		privateChannels: map[string]bool{},
		msgs:            map[string]*message{},
		deleteNext:      map[string]int{},
		triggers:        map[string]*trigger{},
		views:           map[string]*view{},
		homes:           map[string]string{},
		responseURLs:    map[string]*responseURL{},
		files:           map[string]*fileRec{},
	}
}

// newUUID returns a random version 4 UUID, the shape of Slack's envelope ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n characters drawn from alphabet.
func randomString(n int, alphabet string) string {
	var b strings.Builder
	for range n {
		b.WriteByte(alphabet[mrand.IntN(len(alphabet))])
	}
	return b.String()
}

// randomHex returns n random hex digits.
func randomHex(n int) string {
	return randomString(n, "0123456789abcdef")
}

// formatTS renders microseconds since the epoch as a Slack ts, "1700000000.000100".
func formatTS(us int64) string {
	return fmt.Sprintf("%d.%06d", us/1_000_000, us%1_000_000)
}

// nextTSLocked hands out a message ts from the clock, bumped so every ts is
// strictly greater than the last one, as Slack guarantees within a channel.
func (s *Server) nextTSLocked() string {
	us := s.now().UnixMicro()
	if us <= s.st.lastTS {
		us = s.st.lastTS + 100
	}
	s.st.lastTS = us
	return formatTS(us)
}

// actionTS is the action_ts of an interaction: the clock, not necessarily unique.
func (s *Server) actionTS() string { return formatTS(s.now().UnixMicro()) }

// newTriggerID returns a trigger_id shaped like Slack's
// "1388105719492.1379717998065.9bc163894734c1f415a2c504e81dec91".
func newTriggerID() string {
	return fmt.Sprintf("%d.%d.%s", 1_000_000_000_000+mrand.Int64N(9_000_000_000_000),
		1_000_000_000_000+mrand.Int64N(9_000_000_000_000), randomHex(32))
}

// newViewHash returns a view hash shaped like "1715350171.Gc2dwnJZ".
func (s *Server) newViewHash() string {
	return fmt.Sprintf("%d.%s", s.now().Unix(), randomString(8, alnum))
}

// dmChannelLocked is the id of the bot's DM with a user, the same for as
// long as the fake runs: U0ALICE -> D0ALICE. Two users never share one,
// as a DM "is between two users" (https://docs.slack.dev/reference/objects/im-object):
// U0ALICE and, on Enterprise Grid, W0ALICE are different people, so the
// one met second gets an id made from their whole id (DW0ALICE), or
// failing that a numbered one.
func (s *Server) dmChannelLocked(userID string) string {
	if id, ok := s.st.dmByUser[userID]; ok {
		return id
	}
	id := "D" + userID
	if len(userID) >= 2 {
		id = "D" + userID[1:]
	}
	if _, taken := s.st.dmUser[id]; taken {
		id = "D" + userID
	}
	for n := 2; ; n++ {
		if _, taken := s.st.dmUser[id]; !taken {
			break
		}
		id = fmt.Sprintf("D%s%d", userID, n)
	}
	s.st.dmByUser[userID] = id
	s.st.dmUser[id] = userID
	return id
}

// DMChannel is the id of the app's DM with userID, as conversations.open
// gives it, for a test that builds a payload of its own.
func (s *Server) DMChannel(userID string) string { return s.dmChannel(userID) }

// dmChannel is dmChannelLocked for a caller not holding s.mu.
func (s *Server) dmChannel(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmChannelLocked(userID)
}

// isUserID reports whether id looks like a user id (U… or, on Enterprise Grid, W…).
func isUserID(id string) bool {
	return len(id) > 1 && (id[0] == 'U' || id[0] == 'W')
}

// channelName is the name Slack puts next to a channel id in payloads.
func channelName(id string) string {
	switch {
	case strings.HasPrefix(id, "D"):
		return "directmessage"
	case strings.HasPrefix(id, "G"):
		return "privategroup"
	default:
		return strings.ToLower(id)
	}
}

package llm

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/quickcapture"
)

// Secrets are fragments of what people wrote; none may leave unless
// COACHLOG_LLM_NOTES=on allows it.
const (
	secretNote    = "Marmalade pricing slipped again"
	secretPrivate = "Quokka divorce worries"
	secretComment = "Gooseberry comment from the rep"
	secretReason  = "Platypus it was only ten minutes"
	secretCommit  = "Walrus follow-up deck"
	secretProse   = "Narwhal renewal talk"
	repName       = "Samantha Okafor"
)

func prepInput() PrepInput {
	return PrepInput{
		RepName: repName, Today: tuesday,
		Sessions: []PrepSession{
			{On: tuesday.AddDays(-3), Kind: coaching.KindRideAlong, Role: coaching.RoleLead, DurationMin: 45,
				Skills: []string{"Discovery"}, Notes: secretNote + ", Samantha stayed calm", Status: coaching.StatusConfirmed, Comment: secretComment},
			{On: tuesday.AddDays(-10), Kind: coaching.KindOneOnOne, DurationMin: 30, Notes: secretPrivate,
				Status: coaching.StatusDisputed, DisputeReason: secretReason},
		},
		Commitments: []OpenCommitment{{Text: secretCommit, MadeOn: tuesday.AddDays(-10)}},
		Trend:       Trend{Sessions: 2, Minutes: 75, PrevSessions: 1, PrevMinutes: 30, LastSession: tuesday.AddDays(-3), CadenceDays: 14},
	}
}

func narrativeInput() NarrativeInput {
	return NarrativeInput{Week: coaching.Week{Year: 2026, Week: 48}, Leaders: []LeaderWeek{{
		LeaderID: "U0VERA", ManagersCoaching: 2, Sessions: 9, Minutes: 400,
		Skills:          []Count{{"Discovery", 5}, {"Negotiation", 3}},
		CommitmentsMade: 6, CommitmentsKept: 2, CommitmentsOpen: 4,
		Notes: []Note{
			{Text: secretNote + " for Samantha", Visibility: coaching.VisibilityShared},
			{Text: secretPrivate, Visibility: coaching.VisibilityPrivate},
		},
	}}, Names: []string{repName}}
}

// exercise uses every feature once with text that must not leak.
func exercise(t *testing.T, r rig) {
	t.Helper()
	ctx := context.Background()
	text := "<@U1|sam> " + secretProse + " yesterday"
	_, _ = r.Prose.Draft(ctx, proseInput(text), quickcapture.Parse(text, tuesday))
	_, _ = r.Prep.Brief(ctx, prepInput())
	_, _ = r.Narrative.Write(ctx, narrativeInput())
}

func TestNoKeyNoRequest(t *testing.T) {
	srv := startFake(t)
	cfg := config(srv, true)
	cfg.APIKey = ""
	r := newRig(t, cfg, srv, Options{})
	exercise(t, r)
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests without a key, want none", n)
	}
	if r.Prose.Enabled() || r.Narrative.Enabled() || r.Client != nil {
		t.Error("features report themselves on without a key")
	}
	rule := quickcapture.Parse(rodeAlong, tuesday)
	d, err := r.Prose.Draft(context.Background(), proseInput(rodeAlong), rule)
	if !errors.Is(err, ErrDisabled) || !reflect.DeepEqual(d, rule.Draft) {
		t.Errorf("prose without a key: %+v, %v; want the rule parser's draft and ErrDisabled", d, err)
	}
	b, err := r.Prep.Brief(context.Background(), prepInput())
	if err != nil || b.Prose != "" || b.List != PlainBrief(prepInput()) {
		t.Errorf("prep without a key: %+v, %v; want the plain list", b, err)
	}
	if _, err := r.Narrative.Write(context.Background(), narrativeInput()); !errors.Is(err, ErrDisabled) {
		t.Errorf("narrative without a key: %v, want ErrDisabled", err)
	}
}

// With a key and COACHLOG_LLM_NOTES off, the one thing that may leave is
// the line a manager just typed after /coach: they asked the model to read
// it. Nothing stored (notes, comments, reasons, commitments) ever does, so
// the prep brief is the plain list and the digest has no narrative.
func TestNotesOffOnlyTheTypedLineLeaves(t *testing.T) {
	srv := startFake(t)
	r := newRig(t, config(srv, false), srv, Options{})
	exercise(t, r)
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("no request at all: the typed /coach line should still be read")
	}
	for _, req := range reqs {
		if req.Chat.Format() == "text" || !strings.Contains(req.Chat.Text(), secretProse) {
			t.Errorf("unexpected request (format %s): only the prose capture of the typed line may be sent", req.Chat.Format())
		}
	}
	all := bodies(srv)
	for _, s := range []string{secretNote, secretPrivate, secretComment, secretReason, secretCommit, "Samantha", "Okafor", "U0VERA"} {
		if strings.Contains(all, s) {
			t.Errorf("%q reached the server with COACHLOG_LLM_NOTES off", s)
		}
	}
	if !r.Prose.Enabled() {
		t.Error("prose capture is off with a key: it needs no more than the key")
	}
	if r.Narrative.Enabled() {
		t.Error("the digest narrative is on with notes off")
	}
	b, err := r.Prep.Brief(context.Background(), prepInput())
	if err != nil || b.Prose != "" || b.List != PlainBrief(prepInput()) {
		t.Errorf("prep with notes off: %+v, %v; want the plain list", b, err)
	}
}

func TestNotesOnSendOnlyWhatIsAllowed(t *testing.T) {
	srv := startFake(t)
	r := newRig(t, config(srv, true), srv, Options{})
	exercise(t, r)
	all := bodies(srv)
	for _, s := range []string{secretNote, secretProse, secretComment, secretReason, secretCommit} {
		if !strings.Contains(all, s) {
			t.Errorf("%q did not reach the server with notes on: the test would prove nothing", s)
		}
	}
	for _, s := range []string{"Samantha", "Okafor", "U0VERA"} {
		if strings.Contains(all, s) {
			t.Errorf("%q reached the server: names are never sent", s)
		}
	}
	var narrative string
	for _, req := range srv.Requests() {
		if strings.Contains(req.Chat.Messages[0].Content, "digest") {
			narrative += req.Chat.Text()
		}
	}
	if narrative == "" || strings.Contains(narrative, secretPrivate) {
		t.Errorf("the narrative request carries a private note (or none was made):\n%s", narrative)
	}
}

// Stored text names people as Coachlog stores mentions ("@ria.lopez") and
// by email address: redact takes both out, and leaves the rest as written.
func TestRedactMentionsAndEmails(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"paired him with @ria.lopez.", "paired him with the rep."},
		{"@sam @ria, @kofi_b/@li-na: good", "the rep the rep, the rep/the rep: good"},
		{"<@U123|sam> and <@U456>", "the rep and the rep"},
		{"recap to jane.doe@acme.example, then call", "recap to an email address, then call"},
		{"Sam Okafor nailed it", "the rep the rep nailed it"},
		{"price @ 20% off, a@b is not an address", "price @ 20% off, a@b is not an address"},
	} {
		if got := redact(tt.in, "Sam Okafor"); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A prep brief's notes, comments, reasons and commitments reach the model
// with no name Coachlog knows: the rep's, the manager's and everyone
// else's (a team meeting's notes name the other reps on it, whose DMs say
// their names are removed), each replaced by a stand-in that keeps the
// sentence readable. A word of two names is the rep's.
func TestPrepDataNamesNobody(t *testing.T) {
	in := PrepInput{RepName: "Sam Okafor", ManagerName: "Max Weber", Names: []string{"Ria Lopez", "Vera Stone", "Sam Park"}, Today: tuesday}
	for _, tt := range []struct{ field, text, want string }{
		{"notes", "Sam and Ria role-played; Lopez pushed back", "the rep and someone role-played; someone pushed back"},
		{"notes", "Max showed Sam how; Vera joined", "the manager showed the rep how; someone joined"},
		{"comment", "Sam said it was fine, Weber too, Park not", "the rep said it was fine, the manager too, someone not"},
		{"reason", "it was Ria's call, not mine", "it was someone's call, not mine"},
		{"commitment", "send Vera the deck", "send someone the deck"},
	} {
		t.Run(tt.field, func(t *testing.T) {
			x := in
			switch tt.field {
			case "notes":
				x.Sessions = []PrepSession{{On: tuesday, Kind: coaching.KindTeamMeeting, DurationMin: 30, Notes: tt.text}}
			case "comment":
				x.Sessions = []PrepSession{{On: tuesday, Kind: coaching.KindOneOnOne, DurationMin: 30, Comment: tt.text}}
			case "reason":
				x.Sessions = []PrepSession{{On: tuesday, Kind: coaching.KindOneOnOne, DurationMin: 30, DisputeReason: tt.text}}
			case "commitment":
				x.Commitments = []OpenCommitment{{Text: tt.text, MadeOn: tuesday}}
			}
			data := prepData(x)
			if !strings.Contains(data, tt.want) {
				t.Errorf("prepData does not carry %q:\n%s", tt.want, data)
			}
			for _, name := range []string{"Sam", "Okafor", "Max", "Weber", "Ria", "Lopez", "Vera", "Park"} {
				if strings.Contains(data, name) {
					t.Errorf("prepData carries %q:\n%s", name, data)
				}
			}
		})
	}
}

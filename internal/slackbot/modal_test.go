package slackbot

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/fakeslack"
)

// blockIDs are the block ids of a log modal's field inputs, by field.
func blockIDs(m logModal) map[coaching.Field]string {
	ids := map[coaching.Field]string{}
	for _, f := range inputFields {
		ids[f] = m.input(f).BlockID
	}
	return ids
}

// An update that replaces some of the form's values gives those fields,
// and only those, a new block id: Slack keeps what an input shows under
// the ids on screen, so only a new id shows the new value, and a kept id
// keeps what the manager typed there.
func TestAReplacingUpdateRevisesOnlyTheFieldsItChanges(t *testing.T) {
	day := coaching.Date{Year: 2026, Month: 11, Day: 20}
	shown := logModal{Draft: coaching.Draft{RepIDs: []string{"UA"}, Notes: "rode along"}, Today: day, Skills: coaching.DefaultSkills(),
		Meta: modalMeta{Rev: 1}, IDs: map[coaching.Field]string{coaching.FieldDate: "date.1"}}
	plainIDs := func() map[coaching.Field]string {
		ids := map[coaching.Field]string{}
		for _, f := range inputFields {
			ids[f] = string(f)
		}
		return ids
	}
	for _, tt := range []struct {
		name    string
		change  func(m *logModal)
		want    map[coaching.Field]string // the fields whose id changes, and to what
		wantRev int
	}{
		{"nothing changed", func(m *logModal) { m.Notice = "read, nothing more" }, nil, 1},
		{"the model's reading", func(m *logModal) {
			m.Draft.Kind, m.Draft.Role, m.Draft.Notes = coaching.KindRideAlong, coaching.RoleObserver, "he nailed discovery"
		}, map[coaching.Field]string{coaching.FieldKind: "kind.2", coaching.FieldRole: "role.2", coaching.FieldNotes: "notes.2"}, 2},
		{"fields the notice does not name", func(m *logModal) {
			m.Draft.Visibility, m.Draft.FollowUpOn = coaching.VisibilityShared, day.AddDays(7)
		}, map[coaching.Field]string{coaching.FieldVisibility: "visibility.2", coaching.FieldFollowUp: "follow_up.2"}, 2},
		{"today moved, the date shown with it", func(m *logModal) { m.Today = day.AddDays(-1) },
			map[coaching.Field]string{coaching.FieldDate: "date.2"}, 2},
		{"other reps", func(m *logModal) { m.Draft.RepIDs = []string{"UA", "UB"} },
			map[coaching.Field]string{coaching.FieldReps: "reps.2"}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := maps.Clone(shown.IDs)
			next := shown
			tt.change(&next)
			got := next.replacing(shown)
			want := plainIDs()
			want[coaching.FieldDate] = "date.1"
			maps.Copy(want, tt.want)
			if ids := blockIDs(got); !maps.Equal(ids, want) || got.Meta.Rev != tt.wantRev {
				t.Errorf("block ids %v at rev %d, want %v at rev %d", ids, got.Meta.Rev, want, tt.wantRev)
			}
			if !maps.Equal(shown.IDs, before) {
				t.Errorf("the form on screen's ids changed: %v", shown.IDs)
			}
			var meta modalMeta
			if err := json.Unmarshal([]byte(got.view().PrivateMetadata), &meta); err != nil || meta.Rev != tt.wantRev {
				t.Errorf("private_metadata %q, want rv %d", got.view().PrivateMetadata, tt.wantRev)
			}
			// Read back from the view it renders, as a refresh or a
			// submission does, the ids are the same.
			var v view
			raw, _ := json.Marshal(got.view())
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			if err := fakeslack.CheckView(raw); err != nil {
				t.Errorf("Slack would refuse the revised form: %v", err)
			}
			if ids := fieldBlockIDs(v); !maps.Equal(ids, want) {
				t.Errorf("the view's ids read back as %v, want %v", ids, want)
			}
		})
	}
}

// splitBlockID takes only a field's name with a revision from 1 on as a
// revised id; anything else (a rep's checkboxes, an odd suffix) is its
// own name.
func TestSplitBlockID(t *testing.T) {
	for _, tt := range []struct {
		id, name string
		rev      int
	}{
		{"reps", "reps", 0}, {"reps.2", "reps", 2}, {"follow_up.12", "follow_up", 12},
		{"reps.0", "reps.0", 0}, {"reps.02", "reps.02", 0}, {"reps.", "reps.", 0}, {".2", ".2", 0},
		{"reps.-1", "reps.-1", 0}, {"kept:U0A", "kept:U0A", 0}, {"a.b.3", "a.b", 3},
	} {
		if name, rev := splitBlockID(tt.id); name != tt.name || rev != tt.rev {
			t.Errorf("splitBlockID(%q) = %q, %d; want %q, %d", tt.id, name, rev, tt.name, tt.rev)
		}
	}
}

// An edit form offers, ticked, the session's skills no longer configured:
// Slack shows only options the select has, so without them the form would
// drop them and a notes-only edit would erase them from the record. A new
// form offers the configured skills alone.
func TestAnEditFormKeepsASkillNoLongerConfigured(t *testing.T) {
	for _, edit := range []bool{true, false} {
		m := logModal{Edit: edit, Draft: coaching.Draft{RepIDs: []string{"UA"}, Skills: []string{"closing", "discovery"}},
			Today: coaching.Date{Year: 2026, Month: 11, Day: 20}, Skills: []coaching.Skill{{ID: "discovery", Label: "Discovery"}}}
		raw, err := json.Marshal(m.view())
		if err != nil {
			t.Fatal(err)
		}
		if err := fakeslack.CheckView(raw); err != nil {
			t.Fatalf("edit %v: Slack would refuse the form: %v", edit, err)
		}
		el := m.skillsBlock().Element.(*slack.MultiSelectBlockElement)
		var offered, ticked []string
		for _, o := range el.Options {
			offered = append(offered, o.Value)
		}
		for _, o := range el.InitialOptions {
			ticked = append(ticked, o.Value)
		}
		want := []string{"discovery"}
		if edit {
			want = []string{"discovery", "closing"}
		}
		if !slices.Equal(offered, want) || !slices.Equal(ticked, want) {
			t.Errorf("edit %v: offered %v, ticked %v; want both %v", edit, offered, ticked, want)
		}
	}
}

// With as many skills configured as the select takes, an edit form has
// no room for a skill of the session no longer configured: it records
// the skill in its private_metadata, for the save to keep, since nobody
// could untick it; with room for one of two, the other. The record fits
// in private_metadata, or the form would not open at all.
func TestAnEditFormRecordsTheRetiredSkillsItCannotOffer(t *testing.T) {
	skills := func(n int) []coaching.Skill {
		var out []coaching.Skill
		for i := range n {
			id := fmt.Sprintf("s%03d", i)
			out = append(out, coaching.Skill{ID: id, Label: id})
		}
		return out
	}
	for _, tt := range []struct {
		name                  string
		configured            int
		edit                  bool
		wantShown, wantUnshow []string
	}{
		{"100 configured", 100, true, nil, []string{"old", "older"}},
		{"room for one", 99, true, []string{"old"}, []string{"older"}},
		{"room for both", 98, true, []string{"old", "older"}, nil},
		{"a new form", 100, false, nil, nil},
	} {
		m := logModal{Edit: tt.edit, Draft: coaching.Draft{RepIDs: []string{"UA"}, Skills: []string{"old", "s001", "older"}},
			Today: coaching.Date{Year: 2026, Month: 11, Day: 20}, Skills: skills(tt.configured)}
		shown, unshown := m.retiredSkills()
		if !slices.Equal(shown, tt.wantShown) || !slices.Equal(unshown, tt.wantUnshow) {
			t.Errorf("%s: shown %v, unshown %v; want %v, %v", tt.name, shown, unshown, tt.wantShown, tt.wantUnshow)
		}
		m.Meta = m.Meta.withUnshown(unshown)
		raw, err := json.Marshal(m.view())
		if err != nil {
			t.Fatal(err)
		}
		if err := fakeslack.CheckView(raw); err != nil {
			t.Errorf("%s: Slack would refuse the form: %v", tt.name, err)
		}
		if got := decodeMeta(m.view().PrivateMetadata).Unshown; !slices.Equal(got, tt.wantUnshow) {
			t.Errorf("%s: the form's metadata records %v unshown, want %v", tt.name, got, tt.wantUnshow)
		}
	}

	var many []string
	for i := range 100 {
		many = append(many, fmt.Sprintf("%050d", i))
	}
	meta := modalMeta{SessionID: 1, ResponseURL: "https://hooks.slack.com/actions/T1/1/" + strings.Repeat("x", 60)}.withUnshown(many)
	if n := len(meta.encode()); n > maxMetadata || len(meta.Unshown) == 0 || !slices.Equal(meta.Unshown, many[:len(meta.Unshown)]) {
		t.Errorf("100 long unshown skills: metadata of %d characters keeping %d; want the first that fit in %d", n, len(meta.Unshown), maxMetadata)
	}
}

// The commitments' hint says what the field takes: 20 commitments of 300
// characters are 6,000, past the 3,000 Slack lets a text input hold (its
// max_length), and a hint promising them let a manager write what Slack's
// client then refused at submit.
func TestTheCommitmentsHintSaysWhatTheFieldHolds(t *testing.T) {
	b := logModal{}.commitmentsBlock()
	el := b.Element.(*slack.PlainTextInputBlockElement)
	hint := b.Hint.Text
	for _, want := range []string{
		fmt.Sprintf("up to %d", coaching.MaxCommitments),
		fmt.Sprintf("each up to %d characters", coaching.MaxCommitmentLen),
	} {
		if !strings.Contains(hint, want) {
			t.Errorf("hint %q does not say %q", hint, want)
		}
	}
	if el.MaxLength != 3000 {
		t.Fatalf("the field holds %d characters; the hint's words below are for 3,000", el.MaxLength)
	}
	if coaching.MaxCommitments*coaching.MaxCommitmentLen > el.MaxLength && !strings.Contains(hint, "3,000 in all") {
		t.Errorf("hint %q promises %d × %d characters; the field holds %d: want it to say \"3,000 in all\"",
			hint, coaching.MaxCommitments, coaching.MaxCommitmentLen, el.MaxLength)
	}
}

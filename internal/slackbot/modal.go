package slackbot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/coachlog/coachlog/internal/coaching"
	"github.com/coachlog/coachlog/internal/textcut"
)

// Callback ids of the modals.
const (
	cbLog     = "log_session"
	cbEdit    = "edit_session"
	cbDispute = "dispute_session"
	cbComment = "comment_session"
)

// Callback ids of the shortcuts manifest.yml declares, both named "Log
// coaching": on a message (its text becomes the notes) and in Slack's
// shortcuts menu (an empty form). Slack sends nothing else.
const (
	CallbackMessageShortcut = "log_coaching"
	CallbackGlobalShortcut  = "log_coaching_global"
)

// Block ids of the log modal are the draft's field names, so that a domain
// validation error lands on its input without translation. Open
// commitments get one checkbox block per rep.
const (
	keptPrefix = "kept:"
	actionKept = "kept"
	actionReps = "reps"
)

// modalMeta travels in a modal's private_metadata. ResponseURL answers the
// person who opened the modal: the manager's receipt for a log or an edit,
// the rep's DM (through their click) for a dispute or a comment.
// ResponseAt is when Slack issued it (unix ms): Slack takes it for 30
// minutes, and a form can stay open longer.
type modalMeta struct {
	SessionID   int64           `json:"id,omitempty"`
	Version     int             `json:"v,omitempty"`
	SavedAt     int64           `json:"sa,omitempty"` // an edit form's session as last saved (unix ms), see coaching.EditRequest
	RepID       string          `json:"rep,omitempty"`
	Source      coaching.Source `json:"src,omitempty"`
	ResponseURL string          `json:"r,omitempty"`
	ResponseAt  int64           `json:"ra,omitempty"`
	FromHome    bool            `json:"h,omitempty"` // opened from the App Home, which is refreshed after
	// redate gives the date a capture's words ("yesterday", "mon") mean
	// on today, for when the manager's first profile read moves their
	// today after the form opened (openLogModal). Not sent to Slack.
	redate func(today coaching.Date) coaching.Date
}

// withResponse records the response_url of the interaction that opened the
// modal, issued at.
func (m modalMeta) withResponse(url string, at time.Time) modalMeta {
	m.ResponseURL, m.ResponseAt = url, 0
	if url != "" {
		m.ResponseAt = at.UnixMilli()
	}
	return m
}

// responseAt is when the modal's response_url was issued; zero if unknown.
func (m modalMeta) responseAt() time.Time {
	if m.ResponseAt == 0 {
		return time.Time{}
	}
	return time.UnixMilli(m.ResponseAt)
}

// savedAt is the edit form's session as last saved; zero if unknown (a
// form opened before the field existed).
func (m modalMeta) savedAt() time.Time {
	if m.SavedAt == 0 {
		return time.Time{}
	}
	return time.UnixMilli(m.SavedAt)
}

func (m modalMeta) encode() string {
	b, _ := json.Marshal(m) // plain struct: cannot fail
	return string(b)
}

func decodeMeta(s string) modalMeta {
	var m modalMeta
	_ = json.Unmarshal([]byte(s), &m) // a bad metadata reads as empty and fails validation later
	return m
}

// logModal is everything the log (or edit) modal shows.
type logModal struct {
	Edit   bool
	Draft  coaching.Draft
	Today  coaching.Date
	Skills []coaching.Skill
	Open   map[string][]coaching.Commitment // open commitments of earlier sessions, per rep
	Notice string                           // what a quick capture could not understand
	Meta   modalMeta
	Kept   []int64           // commitments already ticked (kept across refreshes)
	Names  map[string]string // rep names, for labels (plain text can't show mentions)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func (m logModal) view() slack.ModalViewRequest {
	title, submit, cb := "Log coaching", "Log it", cbLog
	if m.Edit {
		title, submit, cb = "Edit coaching", "Save", cbEdit
	}
	var blocks []slack.Block
	if m.Notice != "" {
		blocks = append(blocks, slack.NewContextBlock("notice", mrkdwn(m.Notice)))
	}
	reps := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, plain("Who did you coach?"), actionReps)
	reps.InitialUsers = m.shownReps()
	maxReps := coaching.MaxReps
	reps.MaxSelectedItems = &maxReps
	repsBlock := slack.NewInputBlock(string(coaching.FieldReps), plain("Rep(s)"), plain("Several people for a team meeting or group role-play."), reps)
	repsBlock.DispatchAction = true // picking a rep shows their open commitments
	blocks = append(blocks, repsBlock, m.kindBlock(), m.dateBlock(), m.durationBlock(), m.roleBlock())
	blocks = append(blocks, m.keptBlocks()...)
	blocks = append(blocks, m.skillsBlock(), m.notesBlock(), m.visibilityBlock(), m.commitmentsBlock(), m.followUpBlock())
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(title), Submit: plain(submit), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks}, CallbackID: cb, PrivateMetadata: m.Meta.encode(),
	}
}

func (m logModal) kindBlock() slack.Block {
	var opts []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, k := range coaching.Kinds() {
		o := slack.NewOptionBlockObject(string(k), plain(k.Label()), nil)
		opts = append(opts, o)
		if k == m.Draft.Kind {
			initial = o
		}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("What kind of coaching?"), "kind", opts...)
	sel.InitialOption = initial
	return slack.NewInputBlock(string(coaching.FieldKind), plain("Kind"), nil, sel)
}

func (m logModal) dateBlock() slack.Block {
	el := slack.NewDatePickerBlockElement("date")
	el.InitialDate = m.Draft.OccurredOn.String()
	if el.InitialDate == "" {
		el.InitialDate = m.Today.String()
	}
	return slack.NewInputBlock(string(coaching.FieldDate), plain("Date"), nil, el)
}

func (m logModal) durationBlock() slack.Block {
	el := slack.NewNumberInputBlockElement(plain("Minutes"), "duration", false).
		WithMinValue("1").WithMaxValue(strconv.Itoa(coaching.MaxDurationMin))
	if d := m.Draft.DurationMin; d >= 1 && d <= coaching.MaxDurationMin {
		el.InitialValue = strconv.Itoa(d)
	}
	return slack.NewInputBlock(string(coaching.FieldDuration), plain("Duration (minutes)"), nil, el)
}

func (m logModal) roleBlock() slack.Block {
	var opts []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, r := range coaching.Roles() {
		o := slack.NewOptionBlockObject(string(r), plain(r.Label()), nil)
		opts = append(opts, o)
		if r == m.Draft.Role {
			initial = o
		}
	}
	el := slack.NewRadioButtonsBlockElement("role", opts...)
	el.InitialOption = initial
	return slack.NewInputBlock(string(coaching.FieldRole), plain("Your role on a ride-along"), plain("Required for ride-alongs."), el).WithOptional(true)
}

// keptBlocks offer each rep's open commitments from earlier sessions, the
// oldest ten, to tick off as kept.
func (m logModal) keptBlocks() []slack.Block {
	var blocks []slack.Block
	for _, rep := range m.shownReps() {
		cs := m.Open[rep]
		if len(cs) == 0 {
			continue
		}
		var opts, initial []*slack.OptionBlockObject
		for _, c := range cs {
			label := textcut.Cut(c.Text, 70)
			desc := "from " + c.CreatedOn.Human()
			if !c.FollowUpOn.IsZero() {
				desc += " · follow up " + c.FollowUpOn.Human()
			}
			o := slack.NewOptionBlockObject(strconv.FormatInt(c.ID, 10), plain(label), plain(desc))
			opts = append(opts, o)
			if slices.Contains(m.Kept, c.ID) {
				initial = append(initial, o)
			}
		}
		el := slack.NewCheckboxGroupsBlockElement(actionKept, opts...)
		el.InitialOptions = initial
		label := "Kept since last time?"
		if len(m.Draft.RepIDs) > 1 {
			label = textcut.Cut("Kept since last time? ("+m.repName(rep)+")", 150)
		}
		blocks = append(blocks, slack.NewInputBlock(keptPrefix+rep, plain(label), plain("Tick the open commitments that were kept."), el).WithOptional(true))
	}
	return blocks
}

// shownReps are the draft's reps the form starts with: at most a
// session's, the most the picker takes. A quick capture naming more opens
// the form with its notice saying so, and the picker holding the first
// ones; a picker preselected past its own limit may be refused by Slack,
// and the manager would see nothing at all.
func (m logModal) shownReps() []string {
	return m.Draft.RepIDs[:min(len(m.Draft.RepIDs), coaching.MaxReps)]
}

func (m logModal) repName(id string) string {
	if n := m.Names[id]; n != "" {
		return n
	}
	return id
}

func (m logModal) skillsBlock() slack.Block {
	var opts, initial []*slack.OptionBlockObject
	for _, s := range m.Skills {
		o := slack.NewOptionBlockObject(s.ID, plain(textcut.Cut(s.Label, 75)), nil)
		opts = append(opts, o)
		if slices.Contains(m.Draft.Skills, s.ID) {
			initial = append(initial, o)
		}
	}
	el := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain("Pick skills"), "skills", opts...)
	el.InitialOptions = initial
	return slack.NewInputBlock(string(coaching.FieldSkills), plain("Focus skills"), nil, el).WithOptional(true)
}

func (m logModal) notesBlock() slack.Block {
	el := slack.NewPlainTextInputBlockElement(plain("What happened, what went well, what to work on"), "notes")
	el.Multiline = true
	el.MaxLength = coaching.MaxNotesLen
	el.InitialValue = truncateRunes(m.Draft.Notes, coaching.MaxNotesLen)
	return slack.NewInputBlock(string(coaching.FieldNotes), plain("Notes"), nil, el).WithOptional(true)
}

func (m logModal) visibilityBlock() slack.Block {
	private := slack.NewOptionBlockObject(string(coaching.VisibilityPrivate), plain("You and the reps on it"), nil)
	shared := slack.NewOptionBlockObject(string(coaching.VisibilityShared), plain("Also the leaders above you"), nil)
	el := slack.NewRadioButtonsBlockElement("visibility", private, shared)
	el.InitialOption = private
	if m.Draft.Visibility == coaching.VisibilityShared {
		el.InitialOption = shared
	}
	return slack.NewInputBlock(string(coaching.FieldVisibility), plain("Who can read the notes"), nil, el).WithOptional(true)
}

func (m logModal) commitmentsBlock() slack.Block {
	el := slack.NewPlainTextInputBlockElement(plain("One per line"), "commitments")
	el.Multiline = true
	el.MaxLength = 3000
	el.InitialValue = truncateRunes(strings.Join(m.Draft.Commitments, "\n"), 3000)
	return slack.NewInputBlock(string(coaching.FieldCommitments), plain("Commitments"), plain("What the rep committed to, one per line."), el).WithOptional(true)
}

func (m logModal) followUpBlock() slack.Block {
	el := slack.NewDatePickerBlockElement("follow_up")
	el.InitialDate = m.Draft.FollowUpOn.String()
	return slack.NewInputBlock(string(coaching.FieldFollowUp), plain("Follow up on"), nil, el).WithOptional(true)
}

// draftFromState reads the modal's inputs. A value that can't be read (a
// duration that is not a number) becomes a field error.
func draftFromState(values map[string]map[string]*stateValue) (coaching.Draft, coaching.FieldErrors) {
	get := func(block, act string) *stateValue {
		if v := values[block][act]; v != nil {
			return v
		}
		return &stateValue{}
	}
	var d coaching.Draft
	errs := coaching.FieldErrors{}
	d.RepIDs = get("reps", actionReps).SelectedUsers
	d.Kind = coaching.Kind(get("kind", "kind").choice())
	if s := get("date", "date").SelectedDate; s != "" {
		date, err := coaching.ParseDate(s)
		if err != nil {
			errs[coaching.FieldDate] = "Pick a date from the calendar."
		}
		d.OccurredOn = date
	}
	if s := strings.TrimSpace(get("duration", "duration").text()); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs[coaching.FieldDuration] = fmt.Sprintf("Enter whole minutes, 1 to %d.", coaching.MaxDurationMin)
		}
		d.DurationMin = n
	}
	d.Role = coaching.Role(get("role", "role").choice())
	d.Skills = get("skills", "skills").choices()
	d.Notes = get("notes", "notes").text()
	d.Visibility = coaching.Visibility(get("visibility", "visibility").choice())
	d.Commitments = coaching.SplitCommitments(get("commitments", "commitments").text())
	if s := get("follow_up", "follow_up").SelectedDate; s != "" {
		date, err := coaching.ParseDate(s)
		if err != nil {
			errs[coaching.FieldFollowUp] = "Pick a date from the calendar."
		}
		d.FollowUpOn = date
	}
	for block, acts := range values {
		if !strings.HasPrefix(block, keptPrefix) {
			continue
		}
		for _, v := range acts[actionKept].choices() {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				d.KeptCommitments = append(d.KeptCommitments, id)
			}
		}
	}
	if len(errs) == 0 {
		errs = nil
	}
	return d, errs
}

// reasonModal asks a rep what was not accurate, or for a comment; initial
// is the comment they already left, to edit rather than retype.
//
// The comment's hint says who reads it: the manager, one by one, in the
// brief before the next session (/coach prep shows "They confirmed: ...").
// Only ratings are shown as an average of three or more.
func reasonModal(callbackID, initial string, meta modalMeta) slack.ModalViewRequest {
	title, label, submit, hint, optional := "Not accurate", "What was not accurate?", "Send", "Your manager sees this and can fix the session.", false
	if callbackID == cbComment {
		title, label, submit, hint, optional = "Add a comment", "Your comment", "Save", "Your manager can read your comment (ratings they see only as an average).", true
		if initial != "" {
			title = "Edit your comment"
		}
	}
	el := slack.NewPlainTextInputBlockElement(plain("Be specific, it helps"), "reason")
	el.Multiline = true
	el.MaxLength = coaching.MaxReasonLen
	el.InitialValue = truncateRunes(initial, coaching.MaxReasonLen)
	in := slack.NewInputBlock("reason", plain(label), plain(hint), el).WithOptional(optional)
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(title), Submit: plain(submit), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{in}}, CallbackID: callbackID, PrivateMetadata: meta.encode(),
	}
}

// truncateRunes cuts s to at most n characters without a marker.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

package slackbot

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// Block ids of the log modal name the draft's fields, so that a domain
// validation error finds its input (errorsAck). A field's block id is its
// name, "date", until an update replaces its value: then it is "date.1".
// Slack keeps what an input shows (what the user typed or picked, else
// the initial value it opened with) through a views.update whose block_id
// and action_id are the same as on screen, and ignores the update's new
// initial value (views.update, "Preserving input entry"; its SDK
// maintainer in slackapi/bolt-js#290: change the block_id for the
// initial value to show). So a field whose value the bot replaces (the
// prose reading, the date moved to the manager's today) gets a new id, N
// a counter the form carries (modalMeta.Rev); every other field keeps its
// id, and what was typed there stays, as it must through a refresh when
// reps are picked. Open commitments get one checkbox block per rep,
// keptPrefix+rep, never revised.
const (
	keptPrefix = "kept:"
	actionKept = "kept"
	actionReps = "reps"
)

// inputFields are the draft's fields the log modal has an input for, in
// its order (the open commitments come between role and skills).
var inputFields = [...]coaching.Field{coaching.FieldReps, coaching.FieldKind, coaching.FieldDate, coaching.FieldDuration,
	coaching.FieldRole, coaching.FieldSkills, coaching.FieldNotes, coaching.FieldVisibility, coaching.FieldCommitments,
	coaching.FieldFollowUp}

// splitBlockID reads a block id as a field's name and its revision: "date"
// is date at 0, "date.2" date at 2. Any other id is its own name at 0.
func splitBlockID(id string) (name string, rev int) {
	i := strings.LastIndexByte(id, '.')
	if i <= 0 {
		return id, 0
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil || n < 1 || strconv.Itoa(n) != id[i+1:] {
		return id, 0
	}
	return id[:i], n
}

// latestRevision is, of ids, the block id of the field named name, revised
// or not, at its latest revision ("date.2" over "date"); the first of equal
// ones; "" when none names it.
func latestRevision(ids []string, name string) string {
	id, best := "", -1
	for _, x := range ids {
		if n, rev := splitBlockID(x); n == name && rev > best {
			id, best = x, rev
		}
	}
	return id
}

// fieldBlockIDs are the block ids v's inputs have, by the field they
// name (view.inputFor); a field with none is missing.
func fieldBlockIDs(v view) map[coaching.Field]string {
	ids := map[coaching.Field]string{}
	for _, f := range inputFields {
		if id := v.inputFor(string(f)); id != "" {
			ids[f] = id
		}
	}
	return ids
}

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
	// Back is where an edit form was opened from when that is a message
	// the bot answers itself once the edit is saved: fromHistory (the
	// history of RepID, "" for all reps, shown again in place through
	// ResponseURL) or fromDispute (the manager's not-accurate DM, at
	// Channel and TS, answered in its thread). Empty for the receipt,
	// which the domain replaces with the edit.
	Back    string `json:"b,omitempty"`
	Channel string `json:"c,omitempty"`
	TS      string `json:"ts,omitempty"`
	// Rev is the last revision given to a field's block id (see
	// inputFields): the next replacing update uses Rev+1.
	Rev int `json:"rv,omitempty"`
	// Unshown are an edit form's skills of the session that are no
	// longer configured and that its skills select had no room to offer
	// (logModal.retiredSkills): nobody could untick them, so a save keeps
	// them.
	Unshown []string `json:"us,omitempty"`
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

// maxMetadata is the longest private_metadata Slack takes: a view with a
// longer one is refused, and its form does not open.
const maxMetadata = 3000

// withUnshown is m recording skills as Unshown, as many of them as fit in
// private_metadata; a skill left out is dropped by a save, as every one
// was before the form kept them.
func (m modalMeta) withUnshown(skills []string) modalMeta {
	m.Unshown = skills
	for len(m.Unshown) > 0 && len(m.encode()) > maxMetadata {
		m.Unshown = m.Unshown[:len(m.Unshown)-1]
	}
	return m
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
	// IDs are the block ids of the fields' inputs as the form on screen
	// has them; a field missing has its own name (a form just opened).
	IDs map[coaching.Field]string
}

// blockID is the block id of f's input.
func (m logModal) blockID(f coaching.Field) string {
	if id := m.IDs[f]; id != "" {
		return id
	}
	return string(f)
}

// replacing is m ready to replace the form shown, on screen: every field
// whose input m shows otherwise gets a new block id, so that Slack shows
// m's value there rather than keep the one on screen; the others keep
// theirs, and what was typed in them stays.
func (m logModal) replacing(shown logModal) logModal {
	var changed []coaching.Field
	for _, f := range inputFields {
		if !sameInput(shown.input(f), m.input(f)) {
			changed = append(changed, f)
		}
	}
	if len(changed) == 0 {
		return m
	}
	m.Meta.Rev = shown.Meta.Rev + 1
	ids := make(map[coaching.Field]string, len(inputFields))
	for _, f := range inputFields {
		ids[f] = m.blockID(f)
	}
	for _, f := range changed {
		ids[f] = string(f) + "." + strconv.Itoa(m.Meta.Rev)
	}
	m.IDs = ids
	return m
}

// sameInput reports whether two inputs show the same: their elements,
// initial values included, are the same.
func sameInput(a, b *slack.InputBlock) bool {
	ja, errA := json.Marshal(a.Element)
	jb, errB := json.Marshal(b.Element)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// input is the input block of field f.
func (m logModal) input(f coaching.Field) *slack.InputBlock {
	switch f {
	case coaching.FieldReps:
		return m.repsBlock()
	case coaching.FieldKind:
		return m.kindBlock()
	case coaching.FieldDate:
		return m.dateBlock()
	case coaching.FieldDuration:
		return m.durationBlock()
	case coaching.FieldRole:
		return m.roleBlock()
	case coaching.FieldSkills:
		return m.skillsBlock()
	case coaching.FieldNotes:
		return m.notesBlock()
	case coaching.FieldVisibility:
		return m.visibilityBlock()
	case coaching.FieldCommitments:
		return m.commitmentsBlock()
	case coaching.FieldFollowUp:
		return m.followUpBlock()
	}
	panic("log modal: no input for field " + string(f))
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// viewBudget is the most bytes of JSON the bot lets a view weigh: Slack
// refuses one over 250kb (view_too_large from views.open, views.update and
// views.publish; fakeslack's maxViewBytes, 250,000 bytes), and the budget
// leaves room under it.
const viewBudget = 240_000

// keptFit is how much of each rep's open commitments the log form shows:
// at most perRep of them (the oldest), each label cut to labelMax
// characters.
type keptFit struct{ perRep, labelMax int }

// keptFits are the ways of showing the open commitments, fullest first.
// Fifty reps with ten long commitments each can pass Slack's 250kb: text
// of emoji takes 4 bytes a character, and `&`, `<` and `>` 6 each as
// Go's JSON encoder escapes them. The form takes the first way that keeps
// it within viewBudget: shorter labels first, then fewer commitments per
// rep, the hint saying how many more there are and where.
var keptFits = []keptFit{{10, 70}, {10, 40}, {10, 20}, {5, 20}, {3, 20}, {1, 20}}

// view is the form, its open commitments shown as fully as Slack's size
// limit lets them be (keptFits); every other part is shown whole.
func (m logModal) view() slack.ModalViewRequest {
	if len(m.Open) == 0 {
		// Nothing to shorten, and nothing to measure: without
		// commitments the form stays far under the budget (its largest
		// parts, 3,000 characters of notes and 100 skills, are within
		// about 130 kB even escaped), so the usual form, opened before
		// anyone is picked, is not encoded an extra time.
		return m.viewWith(keptFits[0])
	}
	var v slack.ModalViewRequest
	for _, fit := range keptFits {
		v = m.viewWith(fit)
		if b, err := json.Marshal(v); err == nil && len(b) <= viewBudget {
			break
		}
	}
	return v
}

func (m logModal) viewWith(fit keptFit) slack.ModalViewRequest {
	title, submit, cb := "Log coaching", "Log it", cbLog
	if m.Edit {
		title, submit, cb = "Edit coaching", "Save", cbEdit
	}
	var blocks []slack.Block
	if m.Notice != "" {
		blocks = append(blocks, slack.NewContextBlock("notice", mrkdwn(m.Notice)))
	}
	for _, f := range inputFields {
		if f == coaching.FieldSkills {
			blocks = append(blocks, m.keptBlocks(fit)...)
		}
		blocks = append(blocks, m.input(f))
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(title), Submit: plain(submit), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks}, CallbackID: cb, PrivateMetadata: m.Meta.encode(),
	}
}

func (m logModal) repsBlock() *slack.InputBlock {
	reps := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, plain("Who did you coach?"), actionReps)
	reps.InitialUsers = m.shownReps()
	maxReps := coaching.MaxReps
	reps.MaxSelectedItems = &maxReps
	in := slack.NewInputBlock(m.blockID(coaching.FieldReps), plain("Reps"), plain("Several people for a team meeting or group role-play."), reps)
	in.DispatchAction = true // picking a rep shows their open commitments
	return in
}

func (m logModal) kindBlock() *slack.InputBlock {
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
	return slack.NewInputBlock(m.blockID(coaching.FieldKind), plain("Kind"), nil, sel)
}

func (m logModal) dateBlock() *slack.InputBlock {
	el := slack.NewDatePickerBlockElement("date")
	el.InitialDate = m.Draft.OccurredOn.String()
	if el.InitialDate == "" {
		el.InitialDate = m.Today.String()
	}
	return slack.NewInputBlock(m.blockID(coaching.FieldDate), plain("Date"), nil, el)
}

func (m logModal) durationBlock() *slack.InputBlock {
	el := slack.NewNumberInputBlockElement(plain("Minutes"), "duration", false).
		WithMinValue("1").WithMaxValue(strconv.Itoa(coaching.MaxDurationMin))
	if d := m.Draft.DurationMin; d >= 1 && d <= coaching.MaxDurationMin {
		el.InitialValue = strconv.Itoa(d)
	}
	return slack.NewInputBlock(m.blockID(coaching.FieldDuration), plain("Duration (minutes)"), nil, el)
}

func (m logModal) roleBlock() *slack.InputBlock {
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
	return slack.NewInputBlock(m.blockID(coaching.FieldRole), plain("Your role on a ride-along"), plain("Required for ride-alongs."), el).WithOptional(true)
}

// keptBlocks offer each rep's open commitments from earlier sessions, the
// oldest ten, to tick off as kept; fit.perRep of them at most, the ticked
// ones first, and each label cut to fit.labelMax.
func (m logModal) keptBlocks(fit keptFit) []slack.Block {
	var blocks []slack.Block
	for _, rep := range m.shownReps() {
		cs := m.Open[rep]
		if len(cs) == 0 {
			continue
		}
		shown := m.keptShown(cs, fit.perRep)
		var opts, initial []*slack.OptionBlockObject
		for _, c := range shown {
			label := keptLabel(c, fit.labelMax)
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
		hint := "Tick the ones kept. To mark one not kept, use /coach history @rep."
		if more := len(cs) - len(shown); more > 0 {
			hint = fmt.Sprintf("Tick the ones kept. %d more open, not shown for lack of room: see /coach history @rep.", more)
		}
		blocks = append(blocks, slack.NewInputBlock(keptPrefix+rep, plain(label), plain(hint), el).WithOptional(true))
	}
	return blocks
}

// keptShown is, of cs, the n the form has room for: the ticked ones
// first, so that no tick is lost to a refresh, then the oldest, in cs's
// order.
func (m logModal) keptShown(cs []coaching.Commitment, n int) []coaching.Commitment {
	if len(cs) <= n {
		return cs
	}
	take := map[int64]bool{}
	for _, ticked := range []bool{true, false} {
		for _, c := range cs {
			if len(take) < n && slices.Contains(m.Kept, c.ID) == ticked {
				take[c.ID] = true
			}
		}
	}
	return slices.DeleteFunc(slices.Clone(cs), func(c coaching.Commitment) bool { return !take[c.ID] })
}

// maxOptionText is the most characters an option's text takes (Block
// Kit's option object; fakeslack enforces it).
const maxOptionText = 75

// keptLabel is c's checkbox label: its text and, for a commitment of
// someone else's session (a leader's form, below them), whose it is, so
// that a leader does not take another manager's commitment for their own.
// A manager's own is cut to max characters; another's text is cut to
// leave the suffix whole within max+5 (Slack's limit at the fullest), the
// name cut to 30 characters, or to max/2 when max is shorter.
func keptLabel(c coaching.Commitment, max int) string {
	if c.ManagerName == "" {
		return textcut.Cut(c.Text, max)
	}
	suffix := " (" + textcut.CutTrimmed(c.ManagerName, min(30, max/2)) + "'s)"
	return textcut.CutTrimmed(c.Text, min(maxOptionText, max+5)-utf8.RuneCountInString(suffix)) + suffix
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

// maxOptions is the most options a static select, single or multi, takes
// (Block Kit).
const maxOptions = 100

// retiredSkills are, for an edit form, the draft's skills no longer
// configured: those its skills select offers, ticked, after the
// configured ones, and those it has no room for (Slack's multi_static_select
// takes maxOptions options: with 100 skills configured, none). A new form
// offers the configured skills alone.
func (m logModal) retiredSkills() (shown, unshown []string) {
	if !m.Edit {
		return nil, nil
	}
	room := maxOptions - len(m.Skills)
	for _, id := range m.Draft.Skills {
		switch {
		case slices.ContainsFunc(m.Skills, func(s coaching.Skill) bool { return s.ID == id }):
		case len(shown) < room:
			shown = append(shown, id)
		default:
			unshown = append(unshown, id)
		}
	}
	return shown, unshown
}

func (m logModal) skillsBlock() *slack.InputBlock {
	var opts, initial []*slack.OptionBlockObject
	for _, s := range m.Skills {
		o := slack.NewOptionBlockObject(s.ID, plain(textcut.Cut(s.Label, 75)), nil)
		opts = append(opts, o)
		if slices.Contains(m.Draft.Skills, s.ID) {
			initial = append(initial, o)
		}
	}
	// An edit form keeps the session's skills that are no longer
	// configured: without them as options the form would drop them, and
	// any edit of the session (its notes) would erase them from the record.
	shown, _ := m.retiredSkills()
	for _, id := range shown {
		o := slack.NewOptionBlockObject(id, plain(textcut.Cut(id+" (no longer offered)", 75)), nil)
		opts, initial = append(opts, o), append(initial, o)
	}
	el := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain("Pick skills"), "skills", opts...)
	el.InitialOptions = initial
	return slack.NewInputBlock(m.blockID(coaching.FieldSkills), plain("Focus skills"), nil, el).WithOptional(true)
}

func (m logModal) notesBlock() *slack.InputBlock {
	el := slack.NewPlainTextInputBlockElement(plain("What happened, what went well, what to work on"), "notes")
	el.Multiline = true
	el.MaxLength = coaching.MaxNotesLen
	el.InitialValue = truncateRunes(m.Draft.Notes, coaching.MaxNotesLen)
	return slack.NewInputBlock(m.blockID(coaching.FieldNotes), plain("Notes"), nil, el).WithOptional(true)
}

func (m logModal) visibilityBlock() *slack.InputBlock {
	private := slack.NewOptionBlockObject(string(coaching.VisibilityPrivate), plain("You and the reps on it"), nil)
	shared := slack.NewOptionBlockObject(string(coaching.VisibilityShared), plain("Also the leaders above you"), nil)
	el := slack.NewRadioButtonsBlockElement("visibility", private, shared)
	el.InitialOption = private
	if m.Draft.Visibility == coaching.VisibilityShared {
		el.InitialOption = shared
	}
	return slack.NewInputBlock(m.blockID(coaching.FieldVisibility), plain("Who can read the notes"), nil, el).WithOptional(true)
}

func (m logModal) commitmentsBlock() *slack.InputBlock {
	el := slack.NewPlainTextInputBlockElement(plain("One per line"), "commitments")
	el.Multiline = true
	el.MaxLength = maxCommitmentsText
	el.InitialValue, _ = commitmentsField(m.Draft.Commitments)
	return slack.NewInputBlock(m.blockID(coaching.FieldCommitments), plain("Commitments"),
		// 20 of 300 are past what the field holds (Slack's 3,000 for a
		// text input): the hint says both, or it promised what Slack's
		// client refuses at submit.
		plain(fmt.Sprintf("What the rep committed to, one per line: up to %d, each up to %d characters, 3,000 in all.", coaching.MaxCommitments, coaching.MaxCommitmentLen)), el).WithOptional(true)
}

// maxCommitmentsText is the most characters the commitments field holds:
// Slack's limit for a plain-text input.
const maxCommitmentsText = 3000

// commitmentsField is the commitments field's text, one commitment a line:
// as many whole commitments as the field holds, and how many more did not
// fit. A line cut at the limit would be logged cut, and those after it
// dropped without a word. Only the LLM's reading of a long /coach line
// gives more than the field holds: the form says how many were left out.
func commitmentsField(cs []string) (string, int) {
	n := 0
	for i, c := range cs {
		n += utf8.RuneCountInString(c)
		if i > 0 {
			n++ // the newline before it
		}
		if n > maxCommitmentsText {
			return strings.Join(cs[:i], "\n"), len(cs) - i
		}
	}
	return strings.Join(cs, "\n"), 0
}

func (m logModal) followUpBlock() *slack.InputBlock {
	el := slack.NewDatePickerBlockElement("follow_up")
	el.InitialDate = m.Draft.FollowUpOn.String()
	return slack.NewInputBlock(m.blockID(coaching.FieldFollowUp), plain("Follow up on"), nil, el).WithOptional(true)
}

// draftFromState reads the modal's inputs, each under its field's block
// id, revised or not ("date", "date.2"). A value that can't be read (a
// duration that is not a number) becomes a field error.
func draftFromState(values map[string]map[string]*stateValue) (coaching.Draft, coaching.FieldErrors) {
	blocks := slices.Collect(maps.Keys(values))
	get := func(f coaching.Field, act string) *stateValue {
		if id := latestRevision(blocks, string(f)); id != "" && values[id][act] != nil {
			return values[id][act]
		}
		return &stateValue{}
	}
	var d coaching.Draft
	errs := coaching.FieldErrors{}
	d.RepIDs = get(coaching.FieldReps, actionReps).SelectedUsers
	d.Kind = coaching.Kind(get(coaching.FieldKind, "kind").choice())
	if s := get(coaching.FieldDate, "date").SelectedDate; s != "" {
		date, err := coaching.ParseDate(s)
		if err != nil {
			errs[coaching.FieldDate] = "Pick a date from the calendar."
		}
		d.OccurredOn = date
	}
	if s := strings.TrimSpace(get(coaching.FieldDuration, "duration").text()); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs[coaching.FieldDuration] = fmt.Sprintf("Enter whole minutes, 1 to %d.", coaching.MaxDurationMin)
		}
		d.DurationMin = n
	}
	d.Role = coaching.Role(get(coaching.FieldRole, "role").choice())
	d.Skills = get(coaching.FieldSkills, "skills").choices()
	d.Notes = get(coaching.FieldNotes, "notes").text()
	d.Visibility = coaching.Visibility(get(coaching.FieldVisibility, "visibility").choice())
	d.Commitments = coaching.SplitCommitments(get(coaching.FieldCommitments, "commitments").text())
	if s := get(coaching.FieldFollowUp, "follow_up").SelectedDate; s != "" {
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
// Under the input it says who reads what the rep writes (loggedBy, the
// one who logged the session): the reason goes to them alone, in a DM;
// the comment they read, one by one, under the session in their /coach
// history and in the brief before the next session (/coach prep shows
// "They confirmed: ..."); only ratings are shown as an average of three
// or more. That is whoever logged it, not "your manager": a director's
// ride-along, a former manager's session or a peer's is read by them, and
// the rep's own manager reads none of it. With notes let through to the
// LLM (notesAI), both go with the session to it for the brief, names
// removed, and the form says so as the DM's notes label says it of the
// notes: the rep is writing the words that go. The words
// are a context block, not the input's hint: a hint is plain text, where
// a mention would show as its markup.
func reasonModal(callbackID, initial, loggedBy string, meta modalMeta, notesAI bool) slack.ModalViewRequest {
	title, label, submit, optional := "Not accurate", "What was not accurate?", "Send", false
	who := mention(loggedBy) + " logged this session: they get what you write here and can fix it."
	if callbackID == cbComment {
		title, label, submit, optional = "Add a comment", "Your comment", "Save", true
		if initial != "" {
			title = "Edit your comment"
		}
		who = mention(loggedBy) + " logged this session and can read your comment (your rating they see only as an average of three or more)."
	}
	if notesAI {
		who += " It may also go to an AI model, names removed, for their brief before your next session."
	}
	el := slack.NewPlainTextInputBlockElement(plain("Be specific, it helps"), "reason")
	el.Multiline = true
	el.MaxLength = coaching.MaxReasonLen
	el.InitialValue = truncateRunes(initial, coaching.MaxReasonLen)
	in := slack.NewInputBlock("reason", plain(label), nil, el).WithOptional(optional)
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(title), Submit: plain(submit), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{in, slack.NewContextBlock("readers", mrkdwn(who))}}, CallbackID: callbackID, PrivateMetadata: meta.encode(),
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

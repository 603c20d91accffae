package coaching

import "testing"

// A rep's open not-accurate notice is read from the session's audit trail
// as the writes left it: their last dispute, at the version it was made
// on, until they confirm, are taken off the session or it is undone. A
// second dispute opens a notice of its own; being put back on the
// session reopens nothing.
func TestTheOpenNotAccurateNoticeIsReadFromTheTrail(t *testing.T) {
	const rep, other = "U0REP", "U0KIM"
	logged := AuditEntry{Action: "log", Detail: map[string]any{"reps": []any{rep, other}, "version": 1}}
	edit := func(version int, reps ...any) AuditEntry {
		return AuditEntry{Action: "edit", Detail: map[string]any{"before": map[string]any{"version": version - 1},
			"after": map[string]any{"reps": reps, "version": version}}}
	}
	answer := func(action, repID, reason string) AuditEntry {
		d := map[string]any{"rep_id": repID, "status": "x", "rating": 0}
		if reason != "" {
			d["reason"] = reason
		}
		return AuditEntry{Action: action, Detail: d}
	}
	undo := AuditEntry{Action: "undo", Detail: map[string]any{"reps": []any{rep}, "version": 2}}
	for _, tt := range []struct {
		name   string
		trail  []AuditEntry
		want   openNotice
		wantOK bool
	}{
		{"disputed, not edited", []AuditEntry{logged, answer("dispute", rep, "30, not 45")}, openNotice{1, "30, not 45"}, true},
		{"disputed, then edited", []AuditEntry{logged, answer("dispute", rep, "30, not 45"), edit(2, rep, other)}, openNotice{1, "30, not 45"}, true},
		{"confirmed after the edit", []AuditEntry{logged, answer("dispute", rep, "a"), edit(2, rep), answer("confirm", rep, "")}, openNotice{}, false},
		{"disputed again after the edit", []AuditEntry{logged, answer("dispute", rep, "a"), edit(2, rep), answer("dispute", rep, "b")}, openNotice{2, "b"}, true},
		{"another rep's dispute", []AuditEntry{logged, answer("dispute", other, "a"), edit(2, rep, other)}, openNotice{}, false},
		{"another rep's confirm", []AuditEntry{logged, answer("dispute", rep, "a"), edit(2, rep, other), answer("confirm", other, "")}, openNotice{1, "a"}, true},
		{"taken off", []AuditEntry{logged, answer("dispute", rep, "a"), edit(2, other)}, openNotice{}, false},
		{"taken off, then put back", []AuditEntry{logged, answer("dispute", rep, "a"), edit(2, other), edit(3, rep, other)}, openNotice{}, false},
		{"undone", []AuditEntry{logged, answer("dispute", rep, "a"), undo}, openNotice{}, false},
		{"a dispute from before reasons were kept", []AuditEntry{logged, answer("dispute", rep, ""), edit(2, rep)}, openNotice{1, ""}, true},
		{"commitments closed elsewhere pass", []AuditEntry{logged, answer("dispute", rep, "a"),
			{Action: "close_commitment", Detail: map[string]any{"rep": rep}}}, openNotice{1, "a"}, true},
	} {
		got, ok, err := openNoticeOf(tt.trail, rep)
		if err != nil || ok != tt.wantOK || got != tt.want {
			t.Errorf("%s: openNoticeOf = %+v, %v, %v; want %+v, %v", tt.name, got, ok, err, tt.want, tt.wantOK)
		}
	}
}

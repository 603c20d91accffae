package slackbot

import (
	"encoding/json"
	"testing"
	"time"
)

// Slack's times (event_time, a user's updated) are read as it writes
// them, a number or a string of one; anything odd is unknown, and never
// makes the event unreadable: its profile then counts from its arrival.
func TestUnixTimeReadsWhatSlackSends(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{`{"event_time": 1734567890}`, time.Unix(1734567890, 0).UTC()},
		{`{"event_time": "1734567890"}`, time.Unix(1734567890, 0).UTC()},
		{`{"event_time": null}`, time.Time{}},
		{`{"event_time": 17345.5}`, time.Time{}},
		{`{"event_time": -4}`, time.Time{}},
		{`{"event_time": {"x": 1}}`, time.Time{}},
		{`{}`, time.Time{}},
	} {
		var cb eventCallback
		if err := json.Unmarshal([]byte(tt.in), &cb); err != nil || !cb.EventTime.time().Equal(tt.want) {
			t.Errorf("%s: %v, %v; want %v", tt.in, cb.EventTime.time(), err, tt.want)
		}
	}
}

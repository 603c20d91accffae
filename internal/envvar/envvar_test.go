package envvar

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestSettingsReadOrNameTheirProblem(t *testing.T) {
	env := map[string]string{"N": " 7 ", "BIG": "99", "D": "2s", "LONG": "2h", "ON": "Yes", "BAD": "maybe"}
	getenv := func(k string) string { return env[k] }
	if n, err := Int(getenv, "N", 1, 0, 10); n != 7 || err != nil {
		t.Errorf("Int(N) = %d, %v", n, err)
	}
	if n, err := Int(getenv, "UNSET", 3, 0, 10); n != 3 || err != nil {
		t.Errorf("Int(UNSET) = %d, %v; want the default", n, err)
	}
	if d, err := Duration(getenv, "D", time.Second, time.Second, time.Minute, "5s"); d != 2*time.Second || err != nil {
		t.Errorf("Duration(D) = %v, %v", d, err)
	}
	if on, err := OnOff(getenv, "ON"); !on || err != nil {
		t.Errorf("OnOff(ON) = %v, %v", on, err)
	}
	for _, tt := range []struct {
		name string
		read func() error
		want string
	}{
		{"BIG", func() error { _, err := Int(getenv, "BIG", 1, 0, 10); return err }, `BIG: "99" is not a whole number from 0 to 10`},
		{"LONG", func() error {
			_, err := Duration(getenv, "LONG", time.Second, time.Second, time.Minute, "5s")
			return err
		}, `LONG: "2h" is not a duration from 1s to 1m0s, such as 5s`},
		{"BAD", func() error { _, err := OnOff(getenv, "BAD"); return err }, "BAD: must be on or off"},
	} {
		err := tt.read()
		var e *Error
		if !errors.As(err, &e) || e.Name != tt.name || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestShownURLCarriesNoCredentials(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://slack.com/api/", "https://slack.com/api/"},
		{"https://proxyuser:s3cret@proxy.acme.test/slack/api/", "https://proxy.acme.test/slack/api/"},
		{"https://proxy.acme.test/api/?token=s3cret", "https://proxy.acme.test/api/"},
		{"ftp://proxyuser:s3cret@proxy.acme.test/#s3cret", "ftp://proxy.acme.test/"},
		{"http://a b\x7f", "<unreadable URL>"},
		// url.Parse's error would quote the value, the port here.
		{"http://user@proxy:s3cret/", "<unreadable URL>"},
		// Read as a path (a scheme mistyped), or as host bob, port 12
		// (a '/' in the password): an '@' is left either way.
		{"http//bob:s3cret@proxy", "<unreadable URL>"},
		{"https://bob:12/s3cret@proxy.example/api/", "<unreadable URL>"},
		{"localhost:11434", "localhost:11434"},
	} {
		if got := ShownURL(tc.in); got != tc.want {
			t.Errorf("ShownURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestUnknownNamesTheVariablesOfThePrefixNoOneReads(t *testing.T) {
	known := []string{"COACHLOG_DB", "COACHLOG_TIMEZONE", "COACHLOG_DIGEST_CHANNEL", "COACHLOG_DIGEST_SCHEDULE", "COACHLOG_LOG_LEVEL", "COACHLOG_LOG_FORMAT"}
	environ := []string{
		"HOME=/root",
		"COACHLOG_DB=coachlog.db",
		"COACHLOG_DIGEST_CHANEL=C0DIGEST",    // one letter short
		"COACHLOG_TIMEZON=Europe/Paris",      // one letter short
		"COACHLOG_Timezone=Europe/Paris",     // case: it is read as COACHLOG_TIMEZONE is not
		"COACHLOG_LOG_LEVL=debug",            // one letter short
		"COACHLOG_LOG=debug",                 // a prefix of two settings: no guess
		"COACHLOG_WEBHOOK=https://x=y",       // near no setting
		"COACHLOG_TEST_POSTGRES=postgres://", // another tool's
		"COACHLOG_TEST_ANYTHING=1",           // the tests' own
		"SLACK_SIGNING_SECRET=s",             // not the prefix
		"COACHLOG_DIGEST_CHANEL=C0AGAIN",     // said once
		"malformed",
	}
	got := Unknown(environ, "COACHLOG_", known, []string{"COACHLOG_TEST_POSTGRES"}, "COACHLOG_TEST_")
	want := []Stray{
		{"COACHLOG_DIGEST_CHANEL", "COACHLOG_DIGEST_CHANNEL"},
		{"COACHLOG_LOG", ""},
		{"COACHLOG_LOG_LEVL", "COACHLOG_LOG_LEVEL"},
		{"COACHLOG_TIMEZON", "COACHLOG_TIMEZONE"},
		{"COACHLOG_Timezone", "COACHLOG_TIMEZONE"},
		{"COACHLOG_WEBHOOK", ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Unknown =\n%v\nwant\n%v", got, want)
	}
}

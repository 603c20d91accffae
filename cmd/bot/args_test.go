package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/coachlog/coachlog/internal/sqlite"
)

// A word where a flag belongs is a mistake said at once, not ignored:
// `coachlog demo keep` (the dashes forgotten) must not run the demo and
// then delete the database the admin asked to keep.
func TestStrayArgumentsAreRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "keep"}, `demo takes no arguments, only flags (--keep, --chart FILE): "keep"`},
		{[]string{"demo", "--keep", "chart.png"}, `"chart.png"`},
		{[]string{"serve", "extra"}, `serve takes no arguments: "extra"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Chdir(t.TempDir()) // where a demo that ran would write its chart
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, func(string) string { return "" }, &out, &errOut)
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v (exit %d); want a usage error (exit 2) saying %s", err, exitCode(err), tc.want)
			}
			if out.Len() > 0 {
				t.Errorf("the demo ran anyway:\n%s", out.String())
			}
			if files, _ := os.ReadDir("."); len(files) > 0 {
				t.Errorf("the demo wrote %s", files[0].Name())
			}
		})
	}
}

// `coachlog roster -h` shows the import's usage, as `coachlog export -h`
// shows export's: it is a request for help (exit 0), not a mistake.
func TestSubcommandHelpIsHelp(t *testing.T) {
	for _, args := range [][]string{{"roster", "-h"}, {"performance", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
			if exitCode(err) != 0 || !strings.Contains(errOut.String(), "Usage of coachlog "+args[0]+" import") {
				t.Fatalf("err %v (exit %d), stderr:\n%s\nwant the import's usage, exit 0", err, exitCode(err), errOut.String())
			}
		})
	}
}

// Every command's store keeps to COACHLOG_DURABLE, an import's commit
// too: only serve's did.
func TestEveryStoreKeepsToDurable(t *testing.T) {
	for _, durable := range []bool{true, false} {
		if got := (config{Durable: durable}).storeOptions(sqlite.Options{}).Durable; got != durable {
			t.Errorf("COACHLOG_DURABLE %v: store opened with Durable %v", durable, got)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
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

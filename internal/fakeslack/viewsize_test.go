package fakeslack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// sizedBlocks returns section blocks that make view, once they are its
// blocks, exactly size bytes of JSON as slack-go sends it.
func sizedBlocks(t *testing.T, size int, withBlocks func(slack.Blocks) any) slack.Blocks {
	t.Helper()
	section := func(n int) slack.Block {
		return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("a", n), false, false), nil, nil)
	}
	var set []slack.Block
	measure := func() int {
		b, err := json.Marshal(withBlocks(slack.Blocks{BlockSet: set}))
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	for measure() < size-3100 {
		set = append(set, section(3000))
	}
	set = append(set, section(1))
	set[len(set)-1] = section(1 + size - measure())
	if got := measure(); got != size {
		t.Fatalf("built a view of %d bytes, want %d", got, size)
	}
	return slack.Blocks{BlockSet: set}
}

// Slack refuses a view over 250kb from views.open, views.update and
// views.publish alike (view_too_large); the fake takes the smaller
// reading of 250kb, 250,000 bytes, and records the refusal as a problem.
func TestAViewOver250kbIsRefused(t *testing.T) {
	modal := func(b slack.Blocks) any {
		m := sessionModal("Log")
		m.Blocks = b
		return m
	}
	home := func(b slack.Blocks) any { return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: b} }
	cases := []struct {
		method string
		view   func(slack.Blocks) any
		call   func(fake *Server, api *slack.Client, view any) error
	}{
		{"views.open", modal, func(fake *Server, api *slack.Client, view any) error {
			_, err := api.OpenView(fake.IssueTrigger("U0ALICE"), view.(slack.ModalViewRequest))
			return err
		}},
		{"views.update", modal, func(fake *Server, api *slack.Client, view any) error {
			opened, err := api.OpenView(fake.IssueTrigger("U0ALICE"), sessionModal("Log"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = api.UpdateView(view.(slack.ModalViewRequest), "", "", opened.View.ID)
			return err
		}},
		{"views.publish", home, func(fake *Server, api *slack.Client, view any) error {
			_, err := api.PublishViewContext(deadline(t), slack.PublishViewContextRequest{UserID: "U0ALICE", View: view.(slack.HomeTabViewRequest)})
			return err
		}},
	}
	for _, tc := range cases {
		for _, size := range []int{maxViewBytes, maxViewBytes + 1} {
			fake := startFake(t)
			api := apiClient(fake)
			blocks := sizedBlocks(t, size, tc.view)
			err := tc.call(fake, api, tc.view(blocks))
			problems := fake.Problems()
			if size <= maxViewBytes {
				if err != nil || len(problems) > 0 {
					t.Errorf("%s of %d bytes: %v, problems %v; want it taken", tc.method, size, err, problems)
				}
				continue
			}
			if err == nil || err.Error() != "view_too_large" {
				t.Errorf("%s of %d bytes: %v, want view_too_large", tc.method, size, err)
			}
			if len(problems) != 1 || problems[0].Where != tc.method || problems[0].Code != "view_too_large" {
				t.Errorf("%s of %d bytes: problems %v, want one view_too_large", tc.method, size, problems)
			}
			if raw, _ := json.Marshal(tc.view(blocks)); CheckView(raw) == nil {
				t.Errorf("CheckView took a view of %d bytes", size)
			}
		}
	}
}

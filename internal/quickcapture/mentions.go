package quickcapture

// Mentions returns the ids of the Slack users a text mentions
// ("<@U123|sam>", "<@W0ABC>"), in order of first mention, each once. User
// groups, @here, channels, bots and "@name" typed by hand are not users
// Slack resolved, so they are left out. The LLM's prose reading may only
// name reps from this list.
func Mentions(text string) []string {
	var ids []string
	seen := map[string]bool{}
	for _, p := range escapedPeopleIn(text) {
		if p.id != "" && !seen[p.id] {
			seen[p.id] = true
			ids = append(ids, p.id)
		}
	}
	return ids
}

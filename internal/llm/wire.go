package llm

// Assistant is the LLM's help, wired once at start: each part is a working
// one or its stand-in, chosen here and nowhere else.
//
//   - No OPENAI_API_KEY: Prose is off (the form opens with the rule
//     parser's reading), Prep renders the plain list, Narrative is off, and
//     no request is ever made.
//   - A key, COACHLOG_LLM_NOTES off (the default): Prose reads the line a
//     manager just typed after /coach, which is what they asked the model
//     to read; nothing stored (earlier notes, commitments, the rep's
//     comments and reasons) ever leaves, so Prep is the plain list and
//     there is no Narrative.
//   - A key and COACHLOG_LLM_NOTES=on: Prep adds the model's prose to the
//     list, and the digest gains a Narrative per leader, which may read
//     notes shared with leaders (never private ones).
type Assistant struct {
	Prose     *ProseReader
	Prep      *PrepWriter
	Narrative *Narrator
	// Client is the shared client, nil without a key.
	Client *Client
}

// New wires the assistant for cfg.
func New(cfg Config, o Options) Assistant {
	c := NewClient(cfg, o)
	log, metrics := c.log, c.metrics
	a := Assistant{
		Prose:     &ProseReader{log: log, metrics: metrics},
		Prep:      &PrepWriter{log: log, metrics: metrics},
		Narrative: &Narrator{log: log, metrics: metrics, notes: cfg.Notes, budget: cfg.DigestTokens},
	}
	if !cfg.Enabled() {
		return a
	}
	a.Client = c
	a.Prose.c = c
	if cfg.Notes {
		a.Prep.c, a.Narrative.c = c, c
	}
	return a
}

// Package llm is Coachlog's optional LLM help: go-openai behind a small
// client, and three features built on it. Nothing here is needed to use
// Coachlog: with no OPENAI_API_KEY, New wires stand-ins and no request is
// ever made.
//
//   - ProseReader reads free prose after /coach into a session's fields,
//     checked field by field; Merge puts them onto the rule parser's
//     reading. The Slack edge acknowledges the command, opens the form at
//     once marked as filling in (views.open within the trigger's 3 s), calls
//     ProseReader.Draft with a deadline, then views.update's the form with
//     the draft. It never saves on its own: the manager confirms the form.
//   - PrepWriter writes the /coach prep brief: always the plain list of
//     recent sessions, open commitments, the rep's answers and the trend
//     numbers (from the metrics, never from the model), with the model's
//     prose on top when notes may reach it, made plain and its sentences
//     checked for numbers, ratings, links and names but the rep's and the
//     manager's.
//   - Narrator writes the digest's short narrative per leader, within a
//     token budget per digest, its sentences checked for names, links and quotes.
//
// Privacy: with a key, the line a manager types after /coach (which the
// rule parser could not read) is what they ask the model to read, and is
// sent. Only with COACHLOG_LLM_NOTES=on does anything stored (earlier
// notes, commitments, the rep's comments and dispute reasons) reach the
// model: the prep brief's prose and the digest's narrative exist only
// then. Names are never sent. Logs carry features, outcomes, statuses,
// latencies and token counts, never text.
//
// Every request has a timeout and one retry on timeouts, 5xx, 429 and
// network errors, after the server's Retry-After when it gives one, and
// only when the retry can finish within the caller's deadline; a 429 for
// quota (insufficient_quota) is not retried and opens the breaker at
// once, with one error line for the operator; a circuit
// breaker stops calling a failing server for a cool-down; metrics go through the Metrics interface (internal/ops
// implements it with Prometheus).
package llm

// Package assist puts the LLM's help to work on Coachlog's data. It
// gathers what the /coach prep brief and the weekly digest's narrative are
// written from (the domain's records, the numbers of internal/metrics) and
// hands it to internal/llm, whose stand-ins, wired when no key is set or
// COACHLOG_LLM_NOTES is off, make the brief a plain list and leave the
// digest without a narrative. Neither ever waits on an acknowledgement: the
// brief answers a command already acknowledged, the narrative is written by
// a scheduled job.
package assist

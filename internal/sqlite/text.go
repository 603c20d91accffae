package sqlite

import (
	"reflect"
	"slices"
	"strings"
	"time"
)

// withoutNUL returns args with the NUL characters dropped from their
// text. Every statement the store runs has its arguments pass through it
// where they are bound (cachedDB, cachedTx, Store.Exec; the copy to
// PostgreSQL uses dropNUL), on both engines: PostgreSQL refuses text holding
// a NUL, so a name from Slack or a roster file, a Slack status, a note or
// a reason pasted with one failed to save there with nothing said but
// "something went wrong", while SQLite stored it. Nothing a person means
// is a NUL; one rule at the store's door covers every field, those added
// later too, and both engines store the same text. Lookups lose them as
// writes do, so they find what was stored.
//
// It returns args itself, not a copy, when no text holds a NUL (the
// common case: no allocation on the ack path); a caller's slice is never
// changed.
func withoutNUL(args []any) []any {
	var out []any
	for i, a := range args {
		s, ok := textWithNUL(a)
		if !ok {
			continue
		}
		if out == nil {
			out = slices.Clone(args)
		}
		out[i] = s
	}
	if out == nil {
		return args
	}
	return out
}

// textWithNUL returns v's text without NULs, and whether v was text that
// held one. Types of the domain's own (coaching.Kind) are text too, as
// database/sql binds them.
func textWithNUL(v any) (string, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case nil, int, int64, bool, float64, time.Time, []byte:
		return "", false
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.String {
			return "", false
		}
		s = rv.String()
	}
	if strings.IndexByte(s, 0) < 0 {
		return "", false
	}
	return dropNUL(s), true
}

// dropNUL removes NUL characters from s.
func dropNUL(s string) string { return strings.ReplaceAll(s, "\x00", "") }

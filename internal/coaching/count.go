package coaching

import (
	"strconv"
	"strings"
)

// Count formats a count with thousands separators, as every surface
// prints one: 6,120. It lives in the domain, as Tenths does, so that
// the nudge's sentence, the metrics' words, the digest and the bot's
// replies all call this one.
func Count(n int) string {
	if n < 0 {
		return "-" + Count(-n)
	}
	s := strconv.Itoa(n)
	var sb strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			sb.WriteByte(',')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

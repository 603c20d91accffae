// Package panics describes a recovered panic for a log line or an error
// without the data its value may carry.
package panics

import (
	"fmt"
	"runtime"
)

// Text describes p: a runtime error says what went wrong in the runtime's
// own words (an index out of range); any other value is named by its type
// alone, since it may carry a note, a response_url or a token, which no
// log line may hold.
func Text(p any) string {
	if re, ok := p.(runtime.Error); ok {
		return re.Error()
	}
	return fmt.Sprintf("a %T", p)
}

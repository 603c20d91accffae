package performance

import "github.com/coachlog/coachlog/internal/sheet"

// LineError is one problem in a performance file, by line and column.
type LineError = sheet.LineError

// Errors is every problem found in a performance file, in line order.
type Errors = sheet.Errors

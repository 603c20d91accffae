// Package migrations holds Coachlog's schema as numbered SQL files, applied
// in order at start. Each file runs in its own transaction; a database newer
// than the highest file here is refused rather than guessed at.
package migrations

import "embed"

// FS holds the migration files, named NNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS

// Package migrations holds Coachlog's schema as numbered SQL files, applied
// in order at start. Each file runs in its own transaction; a database newer
// than the highest file here is refused rather than guessed at.
//
// The files here are SQLite's; postgres/ holds PostgreSQL's, where the same
// number means the same schema state.
package migrations

import "embed"

// FS holds the SQLite migration files, named NNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS

// PostgresFS holds the PostgreSQL migration files, as postgres/NNNN_description.sql.
//
//go:embed postgres/*.sql
var PostgresFS embed.FS

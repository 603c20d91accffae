package outbox

import "time"

// Idle exposes the worker's wait between passes to simulations.
func (w *Worker) Idle(next time.Time) time.Duration { return w.idle(next) }

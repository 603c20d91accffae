package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

// A worker signs the leases it takes w<pid>-<random>@<host>, so that the
// process that took them can be told. A process killed (kill -9, a crash)
// leaves its leases behind, and what it had claimed would wait for them to
// run out, two minutes, before anyone delivers it; a rep's DM update could
// be that late after a restart. So a worker, as it starts, gives back the
// leases of processes on its own host that are gone. Leases from other
// hosts, or signed in a way it cannot read, run out on their own.

// ownerName is the name of this process's worker on its leases.
func ownerName() string {
	host, err := os.Hostname()
	if err != nil {
		host = ""
	}
	return fmt.Sprintf("w%d-%x@%s", os.Getpid(), rand.Uint64(), host)
}

// deadOwner reports whether owner signed its leases in a process of this
// worker's host (self's) that no longer runs. A process with this worker's
// own pid that is not this worker is a former process: the pid was reused.
func deadOwner(owner, self string) bool {
	if owner == self {
		return false
	}
	pid, host, ok := parseOwner(owner)
	_, selfHost, selfOK := parseOwner(self)
	if !ok || !selfOK || host != selfHost || host == "" {
		return false
	}
	return pid == os.Getpid() || !processAlive(pid)
}

// parseOwner reads w<pid>-<random>@<host>.
func parseOwner(owner string) (pid int, host string, ok bool) {
	rest, host, found := strings.Cut(owner, "@")
	if !found || !strings.HasPrefix(rest, "w") {
		return 0, "", false
	}
	pidText, _, found := strings.Cut(rest[1:], "-")
	pid, err := strconv.Atoi(pidText)
	if !found || err != nil || pid <= 0 {
		return 0, "", false
	}
	return pid, host, true
}

// reclaim gives back the leases that processes gone from this host left.
func (w *Worker) reclaim(ctx context.Context) {
	owners, err := w.q.LeaseOwners(ctx, w.now())
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		// Stopped as it starts (a start failing on Socket Mode, a signal):
		// the shutdown, not worth a warning beside its cause. Running out
		// of reclaimTimeout, a database too slow, is still one.
		w.log.DebugContext(ctx, "outbox leases not read: stopping", "err", err)
		return
	}
	if err != nil {
		w.log.WarnContext(ctx, "could not read outbox leases; those of a crashed process expire on their own", "err", err)
		return
	}
	for _, o := range owners {
		if !deadOwner(o, w.owner) {
			continue
		}
		if err := w.q.ReleaseLeases(ctx, o); err != nil && errors.Is(ctx.Err(), context.Canceled) {
			return
		} else if err != nil {
			w.log.WarnContext(ctx, "could not release the leases of a process gone; they expire on their own", "owner", o, "err", err)
			continue
		}
		w.log.InfoContext(ctx, "released the outbox leases of a process gone", "owner", o)
	}
}

// reclaimTimeout bounds reclaim at start.
const reclaimTimeout = 5 * time.Second

package outbox

import "sync"

// keyLocks serialises the sends of one Slack message. A rep's click
// updates their DM through its response_url, in the reply lane, while a
// manager's edit updates the same DM with chat.update, in the paced lane.
// Each renders the state current when it is sent, so the one sent last
// must also be rendered last: two sends in flight at once could land in
// the wrong order and leave the DM showing the older state for good.
type keyLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	users int // holders and waiters; the entry goes when none is left
}

// lock takes key's lock and returns its release. An empty key (a message
// no other send can change) takes none.
func (k *keyLocks) lock(key string) (unlock func()) {
	if key == "" {
		return func() {}
	}
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyLock{}
		k.locks[key] = l
	}
	l.users++
	k.mu.Unlock()

	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}

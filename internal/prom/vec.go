package prom

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// vec finds a family's series by label values. The label sets Coachlog
// uses are few and fixed early (envelope types, LLM features), so the map
// is copy-on-write: a lookup is an atomic load and a map read, with no
// lock and no write to memory other goroutines share; only a new label
// set takes the mutex and copies the map.
type vec[T any] struct {
	name   string
	labels []string
	newT   func() *T
	mu     sync.Mutex // serialises additions
	snap   atomic.Pointer[vecSnap[T]]
}

type vecSnap[T any] struct {
	byKey map[string]*child[T] // by key(values); invalid UTF-8 keys alias their repaired child
	all   []*child[T]          // each series once, in order of creation
}

type child[T any] struct {
	values []string
	m      *T
}

func newVec[T any](name string, labels []string, newT func() *T) *vec[T] {
	checkDesc(name, labels)
	v := &vec[T]{name: name, labels: slices.Clone(labels), newT: newT}
	v.snap.Store(&vecSnap[T]{byKey: map[string]*child[T]{}})
	return v
}

// with returns the series of these label values, creating it the first
// time. It panics when the number of values is not the number of labels,
// as client_golang's WithLabelValues does: that is a programming error.
func (v *vec[T]) with(values []string) *T {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("prom: %s: %d label values for %d labels", v.name, len(values), len(v.labels)))
	}
	if len(values) == 1 { // the hot path's case: the value is the key
		if c, ok := v.snap.Load().byKey[values[0]]; ok {
			return c.m
		}
		return v.add(values[0], values)
	}
	var buf [128]byte
	k := appendKey(buf[:0], values)
	if c, ok := v.snap.Load().byKey[string(k)]; ok { // no allocation: the compiler reads the bytes in place
		return c.m
	}
	return v.add(string(k), values)
}

// appendKey writes each value with its length before it, so that no two
// sets of values share a key whatever bytes they hold.
func appendKey(k []byte, values []string) []byte {
	for _, s := range values {
		k = binary.AppendUvarint(k, uint64(len(s)))
		k = append(k, s...)
	}
	return k
}

func (v *vec[T]) key(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return string(appendKey(nil, values))
}

// add creates the series under key. A value that is not valid UTF-8 (which
// the format forbids) is repaired, and the key aliases the repaired
// series, so that two broken values that repair alike share one series
// rather than writing it twice.
func (v *vec[T]) add(key string, values []string) *T {
	v.mu.Lock()
	defer v.mu.Unlock()
	old := v.snap.Load()
	if c, ok := old.byKey[key]; ok { // added while we waited
		return c.m
	}
	fixed := make([]string, len(values))
	for i, s := range values {
		fixed[i] = strings.ToValidUTF8(s, "\uFFFD")
	}
	next := &vecSnap[T]{byKey: make(map[string]*child[T], len(old.byKey)+2), all: old.all}
	for k, c := range old.byKey {
		next.byKey[k] = c
	}
	fixedKey := v.key(fixed)
	c, ok := next.byKey[fixedKey]
	if !ok {
		c = &child[T]{values: fixed, m: v.newT()}
		next.byKey[fixedKey] = c
		next.all = append(slices.Clip(old.all), c)
	}
	next.byKey[key] = c
	v.snap.Store(next)
	return c.m
}

// each calls f with every series.
func (v *vec[T]) each(f func(values []string, m *T)) {
	for _, c := range v.snap.Load().all {
		f(c.values, c.m)
	}
}

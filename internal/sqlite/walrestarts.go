package sqlite

import (
	"encoding/binary"
	"os"
	"sync"
)

// walRestarts counts the times the write-ahead log started over, from the
// log's own header: SQLite adds one to the header's first salt each time
// the log starts from its beginning, whichever connection starts it
// (https://sqlite.org/fileformat2.html#walformat). The checkpoints' own
// verdicts undercount: a RESTART that copied the whole log but met a reader
// still on it reports busy, and SQLite's writer then starts the log over
// by itself at its next write once that reader has let go (on a loaded
// machine, most restarts happen so). A restart happens only at a write
// and its salt is in the header from that write on, so a look after
// writes (checkpoint) sees every one since the last look: a 32-byte read
// on the checkpoint goroutine, none on the writer's.
type walRestarts struct {
	mu    sync.Mutex // the checkpoint goroutine looks; a test's checkpoint may too
	known bool       // salt was read
	salt  uint32
	n     int64
	f     *os.File // the log, kept open between looks (headerSalt)
}

// walRestartsPerLookMax bounds the restarts one look may count. A header
// whose salt moved by more did not follow from the last one: the log was
// made anew (its file deleted under the bot, or the database replaced),
// and SQLite draws a new log's salt at random. That look only takes the
// new salt as its base.
const walRestartsPerLookMax = 1 << 16

// look reads the header of the log at path+"-wal" and counts the restarts
// since the last look. A log that is missing or empty (after a TRUNCATE,
// before the next write) has no header: nothing is counted, and the next
// header's salt counts the restarts since the last one read.
func (w *walRestarts) look(path string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	salt, ok := w.headerSalt(path + "-wal")
	if !ok {
		return
	}
	if d := salt - w.salt; w.known && d <= walRestartsPerLookMax { // uint32: wraps as SQLite's does
		w.n += int64(d)
	}
	w.salt, w.known = salt, true
}

// count is the restarts counted so far.
func (w *walRestarts) count() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// headerSalt is the first salt of the log's header at walPath; false when
// there is no header to read. The log is read through one descriptor kept
// open, not opened and closed at each look: on ext4 closing a descriptor
// of a file that was truncated and written again starts the writeback of
// its dirty pages (auto_da_alloc), and the log is truncated at every
// TRUNCATE checkpoint: a close each tick cost the writer 10-20% of its
// rate on the harness. A log replaced (the database file moved or
// restored under the bot) is opened anew.
func (w *walRestarts) headerSalt(walPath string) (uint32, bool) {
	if w.f != nil {
		if fi, err := os.Stat(walPath); err != nil || !sameFile(w.f, fi) {
			w.f.Close() // a log no longer in use: nothing of SQLite's to write back
			w.f = nil
		}
	}
	if w.f == nil {
		f, err := os.Open(walPath)
		if err != nil {
			return 0, false
		}
		w.f = f
	}
	var h [20]byte
	if _, err := w.f.ReadAt(h[:], 0); err != nil {
		return 0, false // empty: truncated, no write since
	}
	if magic := binary.BigEndian.Uint32(h[:4]); magic&^1 != 0x377f0682 { // not a log's header
		return 0, false
	}
	return binary.BigEndian.Uint32(h[16:20]), true
}

// sameFile says whether f is the file fi describes.
func sameFile(f *os.File, fi os.FileInfo) bool {
	ffi, err := f.Stat()
	return err == nil && os.SameFile(ffi, fi)
}

// close lets the log's descriptor go, at the store's close.
func (w *walRestarts) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}

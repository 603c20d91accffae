package sqlite

import "syscall"

// freeSpace is the space left for an unprivileged user on the file
// system holding dir; ok is false when it cannot be read.
func freeSpace(dir string) (free int64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * st.Bsize, true
}

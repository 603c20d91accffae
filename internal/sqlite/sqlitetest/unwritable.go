package sqlitetest

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Unwritable makes path, a file or a directory, one this process may not
// write until the test ends, as a database on a volume another user owns
// is: its mode loses its w bits and, for root, whom no mode stops, it is
// marked immutable (chattr +i). The test is skipped where that cannot be
// done (root on a file system without the flag).
func Unwritable(t testing.TB, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, fi.Mode().Perm()&^0o222); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(path, fi.Mode().Perm()) })
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
			t.Skipf("root cannot make %s unwritable: chattr +i: %v %s", path, err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	}
	if writable(path, fi.IsDir()) {
		t.Skipf("%s is still writable", path)
	}
}

// writable says whether this process can write the file, or create a
// file in the directory.
func writable(path string, dir bool) bool {
	if !dir {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err == nil {
			f.Close()
		}
		return err == nil
	}
	probe := filepath.Join(path, ".writable")
	f, err := os.OpenFile(probe, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		f.Close()
		os.Remove(probe)
	}
	return err == nil || !errors.Is(err, fs.ErrPermission)
}

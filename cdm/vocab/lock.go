package vocab

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// ErrLocked means another Load is writing the same output directory.
var ErrLocked = errors.New("vocab: another load is writing this vocabulary")

// lockOut takes the exclusive lock of out (a file beside it), then repairs
// what a crashed Load left: a previous vocabulary moved aside but not yet
// replaced is put back, and abandoned staging directories are removed. The
// returned function releases the lock.
func lockOut(out string) (func(), error) {
	parent, base := filepath.Split(filepath.Clean(out))
	if err := os.MkdirAll(filepath.Clean(parent+"."), 0o755); err != nil {
		return nil, fmt.Errorf("vocab: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(parent, "."+base+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("vocab: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w (%s)", ErrLocked, out)
	}
	unlock := func() { f.Close() }
	if err := repair(out); err != nil {
		unlock()
		return nil, err
	}
	return unlock, nil
}

// stagingPattern matches the staging directories of out, and the previous
// vocabularies publish moves aside (their names end in ".old").
func stagingPattern(out string) string {
	parent, base := filepath.Split(filepath.Clean(out))
	return filepath.Join(parent, "."+base+".staging-*")
}

// repair restores the newest moved-aside vocabulary when out is missing and
// removes every other staging directory of out.
func repair(out string) error {
	leftovers, err := filepath.Glob(stagingPattern(out))
	if err != nil {
		return fmt.Errorf("vocab: %w", err)
	}
	var old []string
	for _, p := range leftovers {
		if strings.HasSuffix(p, ".old") {
			old = append(old, p)
		}
	}
	if _, err := os.Stat(out); errors.Is(err, os.ErrNotExist) && len(old) > 0 {
		sort.Slice(old, func(i, j int) bool { return modTime(old[i]) > modTime(old[j]) })
		if err := os.Rename(old[0], out); err != nil {
			return fmt.Errorf("vocab: restore the previous vocabulary from %s: %w", old[0], err)
		}
	}
	for _, p := range leftovers {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("vocab: remove abandoned staging directory: %w", err)
		}
	}
	return nil
}

func modTime(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.ModTime().UnixNano()
}

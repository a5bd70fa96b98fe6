//go:build unix

package engine

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// fileLocks says lockWarehouse works on this system.
const fileLocks = true

// lockWarehouse opens the warehouse file, creating it empty when it is
// missing, and takes on it the lock duckDB takes on a database file it
// opens: a POSIX record lock on the whole file (fcntl F_SETLK), a write
// lock here, which conflicts with a duckDB process holding the file open
// (read-write or read-only) and with another run, as duckDB's own lock
// did when the run opened the warehouse in duckDB to hold it (checked by
// TestWarehouseLockedForDuckDB). The lock lasts until any descriptor of
// the file in this process is closed. A run that had opened the file
// just before another one renamed its work over it holds the old file:
// the path is checked to name the locked file, else it opens it again.
//
// created says this call created the file (an empty one): only such a
// file may a failed run remove. Two runs on a missing warehouse both see
// it missing; the one that did not create it must not remove the other's.
func lockWarehouse(path string) (f *os.File, created bool, err error) {
	for try := 0; ; try++ {
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		created = err == nil
		if errors.Is(err, os.ErrExist) {
			f, err = os.OpenFile(path, os.O_RDWR, 0)
		}
		if err != nil {
			return nil, false, err
		}
		lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
		if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk); err != nil {
			if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) {
				held := syscall.Flock_t{Type: syscall.F_WRLCK}
				by := ""
				if syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &held) == nil && held.Type != syscall.F_UNLCK && held.Pid > 0 {
					by = fmt.Sprintf(" by process %d", held.Pid)
				}
				f.Close()
				return nil, false, fmt.Errorf("the file is locked%s: another flowc run, or a duckDB session, has it open", by)
			}
			f.Close()
			return nil, false, fmt.Errorf("locking the file: %w", err)
		}
		fi, err1 := f.Stat()
		pi, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(fi, pi) {
			return f, created, nil
		}
		f.Close()
		if try == 10 {
			return nil, false, errors.New("the file keeps being replaced while it is opened")
		}
	}
}

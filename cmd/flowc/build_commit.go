package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/flowc-dev/flowc/compiler"
)

// commitBuild writes the changed files of a build into dir and removes
// its stale ones, all or nothing: when any step fails, dir is put back as
// it was (directories the build created are removed again) and the error
// says so.
//
// Every new file is first written and fsynced in a staging directory
// inside dir (so on the same file system), where nothing can fail for lack
// of space half way through. Only then are the files moved into place by
// renames, each old file being renamed aside into the staging directory
// first, so a failed rename (a directory in the way, a read-only
// subdirectory) can be undone. Files in dir that flowc did not write are
// never touched. The one window left is a crash (power loss, SIGKILL)
// during the renames: the old files are then in dir/.flowc-build-*/.
func commitBuild(dir string, files []compiler.File, gone []string) (err error) {
	if len(files) == 0 && len(gone) == 0 {
		return nil
	}
	tx := &buildTx{dir: dir}
	defer func() {
		if err == nil {
			return
		}
		if rerr := tx.rollback(); rerr != nil {
			err = fmt.Errorf("%w; putting %s back as it was also failed (%v): the old files are in %s", err, dir, rerr, tx.staging)
			return
		}
		os.RemoveAll(tx.staging)
		err = fmt.Errorf("%w; %s was left as it was", err, dir)
	}()
	if err := tx.mkdirs(dir); err != nil {
		return fmt.Errorf("cannot create the output directory %s: %v", dir, plainErr(err))
	}
	staging, err := os.MkdirTemp(dir, ".flowc-build-")
	if err != nil {
		return fmt.Errorf("cannot write into %s: %v", dir, plainErr(err))
	}
	tx.staging = staging
	staged := make([]string, len(files))
	for i, f := range files {
		staged[i] = filepath.Join(staging, "new-"+strconv.Itoa(i))
		if err := writeStaged(staged[i], f.Data); err != nil {
			return fmt.Errorf("cannot write %s: %v", f.Path, plainErr(err))
		}
	}
	if i, err := syncStaged(staging, staged); err != nil {
		return fmt.Errorf("cannot write %s: %v", files[i].Path, plainErr(err))
	}
	// Move the new files into place, the old ones aside.
	touched := map[string]bool{}
	for i, f := range files {
		dst, _ := safePath(dir, f.Path)
		if err := tx.mkdirs(filepath.Dir(dst)); err != nil {
			return fmt.Errorf("cannot write %s: %v", f.Path, plainErr(err))
		}
		if st, err := os.Lstat(dst); err == nil && st.IsDir() {
			return fmt.Errorf("cannot write %s: a directory is in the way", f.Path)
		} else if err == nil {
			if err := tx.rename(dst, filepath.Join(staging, "old-"+strconv.Itoa(i))); err != nil {
				return fmt.Errorf("cannot replace %s: %v", f.Path, plainErr(err))
			}
		}
		if err := tx.rename(filepath.Join(staging, "new-"+strconv.Itoa(i)), dst); err != nil {
			return fmt.Errorf("cannot write %s: %v", f.Path, plainErr(err))
		}
		touched[filepath.Dir(dst)] = true
	}
	for i, p := range gone {
		dst, _ := safePath(dir, p)
		if _, err := os.Lstat(dst); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := tx.rename(dst, filepath.Join(staging, "gone-"+strconv.Itoa(i))); err != nil {
			return fmt.Errorf("cannot remove the stale file %s: %v", p, plainErr(err))
		}
		touched[filepath.Dir(dst)] = true
	}
	// Done: make the renames durable, then drop the old files.
	for d := range touched { // order does not matter: nothing is emitted
		syncDir(d)
	}
	os.RemoveAll(staging)
	for _, p := range gone {
		dst, _ := safePath(dir, p)
		removeEmptyParents(dir, filepath.Dir(dst))
	}
	return nil
}

// buildTx records what commitBuild did to dir, to undo it.
type buildTx struct {
	dir, staging string
	undo         []func() error
}

// rollback undoes every recorded step, newest first.
func (tx *buildTx) rollback() error {
	var errs []error
	for i := len(tx.undo) - 1; i >= 0; i-- {
		if err := tx.undo[i](); err != nil {
			errs = append(errs, err)
		}
	}
	tx.undo = nil
	return errors.Join(errs...)
}

func (tx *buildTx) rename(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	tx.undo = append(tx.undo, func() error { return os.Rename(to, from) })
	return nil
}

// mkdirs is os.MkdirAll recording the directories it creates.
func (tx *buildTx) mkdirs(d string) error {
	if st, err := os.Stat(d); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("%s is a file, not a directory", d)
		}
		return nil
	}
	if parent := filepath.Dir(d); parent != d {
		if err := tx.mkdirs(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(d, 0o755); err != nil {
		return err
	}
	tx.undo = append(tx.undo, func() error {
		if tx.staging != "" && filepath.Dir(tx.staging) == d {
			os.RemoveAll(tx.staging)
		}
		return os.Remove(d)
	})
	return nil
}

// writeStaged writes a new file with mode 0644 (syncFiles makes it durable).
func writeStaged(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil { // whatever the umask
		f.Close()
		return err
	}
	return f.Close()
}

// syncFiles fsyncs the files, several at a time: a build of thousands of
// files spent most of its time waiting for one fsync after another, and
// the disk serves concurrent flushes together. It returns the index of a
// file that failed.
func syncFiles(names []string) (int, error) {
	const workers = 16
	next := make(chan int)
	failed, first := -1, error(nil)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers && w < len(names); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := syncFile(names[i]); err != nil {
					mu.Lock()
					if failed < 0 || i < failed {
						failed, first = i, err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	return failed, first
}

// syncFile fsyncs a file written before (opened for writing again, as
// some systems flush only through a writable handle).
func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir fsyncs a directory so renames in it survive a crash (best
// effort: some file systems cannot sync a directory).
func syncDir(d string) {
	if f, err := os.Open(d); err == nil {
		f.Sync()
		f.Close()
	}
}

// plainErr is the reason of a file system error, without the paths (the
// messages name the build's file instead).
func plainErr(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// removeEmptyParents removes now-empty directories from d up to dir.
func removeEmptyParents(dir, d string) {
	for d != dir && strings.HasPrefix(d, dir) {
		if os.Remove(d) != nil {
			return
		}
		d = filepath.Dir(d)
	}
}

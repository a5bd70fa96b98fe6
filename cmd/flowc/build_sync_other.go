//go:build !linux

package main

// syncStaged makes the staged files durable: each file is fsynced (syncfs
// is Linux's). It returns the index of a file that failed.
func syncStaged(staging string, names []string) (int, error) {
	return syncFiles(names)
}

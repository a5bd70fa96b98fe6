//go:build !unix

package engine

import (
	"errors"
	"os"
)

// fileLocks says lockWarehouse works on this system: not here, where the
// run holds the warehouse open in duckDB instead (see open).
const fileLocks = false

func lockWarehouse(string) (*os.File, bool, error) {
	return nil, false, errors.New("no file locks on this system")
}

package main

import (
	"errors"

	"github.com/flowc-dev/flowc/spec"
)

// chooseEnv is spec.ChooseEnv, the one rule for the environment a command
// works on, with its errors as exit codes: no --env where the spec has
// several environments is a usage error (exit 2); an unknown name is the
// FC213 diagnostic set (exit 1), as spec.Load reports it.
func chooseEnv(f *spec.File, flag string, def spec.EnvDefault) (env string, first bool, err error) {
	env, first, err = f.ChooseEnv(flag, def)
	var ee *spec.EnvError
	if errors.As(err, &ee) {
		return "", false, &exitError{code: exitUsage, err: err}
	}
	return env, first, err
}

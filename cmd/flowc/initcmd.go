package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flowc-dev/flowc/starter"
)

func initCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "write a starter spec (" + starter.SpecFile + ") and its JSON Schema",
		ArgsUsage: "[DIR]",
		Description: `Writes ` + starter.SpecFile + ` into DIR (default: the current directory; created if missing): a
working spec whose comments teach the language, with one source, one transform, one
table, alerts and two environments (dev, prod). Beside it goes ` + starter.SchemaFile + `, the
schema 'flowc schema' prints, which the spec's first line points yaml-language-server
at, so editors complete and check the spec offline.

The pipeline name is --name, else asked on a terminal, else derived from DIR's name.
Nothing is asked when standard input is not a terminal. init never overwrites a file:
if either file exists it writes nothing and exits 2.

Example:
   flowc init orders && flowc validate orders/` + starter.SpecFile,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: "pipeline `NAME` (default: from the directory's name)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageErr("init takes at most one DIR")
			}
			dir := c.Args().First()
			if dir == "" {
				dir = "."
			}
			name := c.String("name")
			if name == "" {
				abs, err := filepath.Abs(dir)
				if err != nil {
					return &exitError{code: exitUsage, err: err}
				}
				name = starter.PipelineFromDir(filepath.Base(abs))
				if isTerminal(e.stdin) {
					if name, err = askPipeline(e.stdin, e.stderr, name); err != nil {
						return &exitError{code: exitUsage, err: err}
					}
				}
			}
			files, err := starter.Files(name)
			if err != nil {
				return usageErr("%v", err)
			}
			written, err := writeNew(dir, files)
			for _, p := range written {
				fmt.Fprintf(e.stdout, "wrote %s\n", p)
			}
			if err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			sp := filepath.Join(dir, starter.SpecFile)
			fmt.Fprintf(e.stdout, "\nNext: edit %s (the params of each environment first), then\n", sp)
			fmt.Fprintf(e.stdout, "  flowc validate %s\n  flowc graph %s\n  flowc build --env dev %s\n", sp, sp, sp)
			return nil
		},
	}
}

// askPipeline asks for the pipeline name on a terminal, offering def; an
// empty answer takes def. An invalid name is asked again, three times at
// most.
func askPipeline(in io.Reader, out io.Writer, def string) (string, error) {
	r := bufio.NewReader(in)
	for try := 0; try < 3; try++ {
		fmt.Fprintf(out, "Pipeline name [%s]: ", def)
		line, err := r.ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("reading the pipeline name: %w", err)
		}
		answer := strings.TrimSpace(line)
		if answer == "" {
			if err == io.EOF {
				fmt.Fprintln(out)
			}
			return def, nil
		}
		if cerr := starter.CheckPipeline(answer); cerr != nil {
			fmt.Fprintln(out, cerr)
			if err == io.EOF {
				break
			}
			continue
		}
		return answer, nil
	}
	return "", errors.New("no valid pipeline name given")
}

// writeNew writes files into dir, creating dir if needed, and never
// overwrites: if any file exists it writes none. It returns the paths it
// wrote.
func writeNew(dir string, files []starter.File) ([]string, error) {
	var exist []string
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if _, err := os.Lstat(p); err == nil {
			exist = append(exist, p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	switch len(exist) {
	case 0:
	case 1:
		return nil, fmt.Errorf("%s already exists; init never overwrites files (choose another DIR, or move it away)", exist[0])
	default:
		return nil, fmt.Errorf("%s already exist; init never overwrites files (choose another DIR, or move them away)", strings.Join(exist, " and "))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	var written []string
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		// O_EXCL: a file appearing since the check above is not overwritten.
		w, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return written, fmt.Errorf("writing %s: %w", p, err)
		}
		_, err = w.Write(f.Data)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return written, fmt.Errorf("writing %s: %w", p, err)
		}
		written = append(written, p)
	}
	return written, nil
}

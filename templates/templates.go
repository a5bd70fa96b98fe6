// Package templates holds the text/template files flowc renders, embedded
// in the binary: the Glue PySpark job script (glue_job.py.tmpl) and the
// Glue runtime every job script imports (glue_runtime.py, a plain Python
// file the compiler copies as is).
//
// The contract: templates only lay out what the compiler computed. Every
// SQL text, name and literal comes in the data, already rendered and
// escaped by the compiler (compiler/glue.go), which parses the files once
// with missingkey=error and a small, pure FuncMap. The package does no I/O
// beyond the embedded files.
package templates

import "embed"

// FS holds the templates, at the root of the file system.
//
//go:embed *.tmpl glue_runtime.py
var FS embed.FS

// GlueJob is the name of the Glue job script template in FS.
const GlueJob = "glue_job.py.tmpl"

// GlueRuntime is the name in FS of the Python module shared by the Glue job
// scripts (written to the build as glue/flowc_runtime.py).
const GlueRuntime = "glue_runtime.py"

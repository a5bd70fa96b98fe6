// Package compiler turns a checked spec into flowc's intermediate
// representation (package ir) for one environment, and the IR into the
// files of a build, in memory: the CloudFormation template, the Amazon
// States Language state machine, the Glue PySpark scripts, the Redshift DDL
// and a manifest.
//
// The contract: Lower reads only a spec.File that spec.Load accepted (no
// errors) and resolves everything environment-specific; every backend
// (packages asl, cfn, ddl, glue and sqlgen under compiler/) reads only the
// IR, and Compile runs them and fills their options. Nothing here does
// I/O; output is byte-identical for the same spec and environment. Errors
// found while compiling are diagnostics positioned in the user's YAML.
package compiler

package deploy

// createonly_gen.go is committed; regenerate it after upgrading cfn-lint or
// when flowc starts to emit a resource type of another service:
//go:generate go run ./internal/createonlygen -o createonly_gen.go

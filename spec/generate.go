package spec

// regions_gen.go is committed; regenerate it after upgrading
// github.com/aws/aws-sdk-go-v2 (TestRegionsFresh fails until then):
//go:generate go run ./internal/regionsgen -o regions_gen.go

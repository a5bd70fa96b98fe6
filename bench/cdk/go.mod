// This directory holds a JavaScript AWS CDK app (bench/build.sh). Its own
// go.mod makes it a separate module, so `go vet ./...` and `go test ./...`
// of flowc never descend into node_modules (aws-cdk ships Go template files).
module flowc.invalid/bench/cdk

go 1.26

// Package e2e holds end-to-end tests that deploy what flowc builds to an
// AWS emulator on 127.0.0.1 and run it. It has no code of its own: the
// tests are in e2e_test.go, kept out of the compiler package because they
// do network I/O and use the AWS SDK.
//
// The emulator is ../shared/tools/moto-pipeline/moto_pipeline_server.py
// (moto_server with the gaps this pipeline needs filled); the tests start
// it when FLOWC_TEST_EMULATOR points at the script and skip otherwise.
package e2e

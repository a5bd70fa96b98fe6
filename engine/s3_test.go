package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/flowc-dev/flowc/ir"
)

// startMoto starts an S3 emulator on a free loopback port: moto_server when
// it is on PATH, else the script FLOWC_TEST_EMULATOR names. The test is
// skipped when there is neither.
func startMoto(t *testing.T) string {
	t.Helper()
	var cmd *exec.Cmd
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	port := fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	if p, err := exec.LookPath("moto_server"); err == nil {
		cmd = exec.Command(p, "-H", "127.0.0.1", "-p", port)
	} else if script := os.Getenv("FLOWC_TEST_EMULATOR"); script != "" {
		cmd = exec.Command("python3", script, "-H", "127.0.0.1", "-p", port)
	} else {
		t.Skip("no S3 emulator: install moto[server] or set FLOWC_TEST_EMULATOR")
	}
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := "http://127.0.0.1:" + port
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			return url
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the S3 emulator did not start")
	return ""
}

func TestRunFromS3(t *testing.T) {
	endpoint := startMoto(t)
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	ctx := context.Background()
	bucket := "acme-flights-landing-dev"
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	put := func(key string, data []byte) {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(data)}); err != nil {
			t.Fatal(err)
		}
	}
	// The example data at the spec's locations, and what a run skips.
	err := filepath.Walk("../examples/data", func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("../examples/data", p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		key := "raw/" + filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "airports") {
			key = "reference/airports/airports.csv"
		}
		put(key, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	put("raw/flights/_SUCCESS", nil)
	put("raw/flights/year=2001/month=01/day=01/.part.crc", []byte("x"))

	ir := loadSpec(t, "flights.yaml", exampleSpec(t, nil))
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	opts := Options{
		SpecDir:   t.TempDir(), // no local mirror: read the spec's s3:// locations
		Warehouse: wh,
		S3:        func(context.Context) (S3Client, error) { return client, nil },
	}
	rep, err := Run(ctx, ir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sources[0].From != "s3://acme-flights-landing-dev/raw/flights/" || rep.Sources[0].Files != 3 || rep.Tables[0].RowsLoaded != 21 {
		t.Errorf("report: %+v %+v", rep.Sources, rep.Tables)
	}
	want, err := os.ReadFile("testdata/run/example.golden")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(tableRows(t, wh, "airlines.delayed_flights_fact"), "\n") + "\n--\n" +
		strings.Join(tableRows(t, wh, "airlines.airport_delays"), "\n") + "\n"
	if got != string(want) {
		t.Errorf("tables loaded from S3 differ from the local run:\n%s", got)
	}

	// One partition lists only its prefix; a bad object names its key.
	put("raw/flights/year=2001/month=01/day=02/late.csv", []byte("date,delay,distance,origin,destination\n2001-01-02 10:00,x,1,A,B\n"))
	opts.Partition = "year=2001/month=01/day=02"
	_, err = Run(ctx, ir, opts)
	if err == nil || err.Error() != `s3://acme-flights-landing-dev/raw/flights/year=2001/month=01/day=02/late.csv:2: column delay: "x" is not a valid int` {
		t.Errorf("got %v", err)
	}
}

// hintedErr is an error that knows its hint, as deploy.NoAnswerError does.
type hintedErr struct{}

func (hintedErr) Error() string { return "no answer from http://x within 1s (tried 2 times)" }
func (hintedErr) Hint() string  { return "check the network" }

// TestS3FailedKeepsHintedCause: a listing that failed with an error that
// knows its hint says it in its own words and keeps it in the chain, so the
// command prints the hint (TestAWSNoAnswer failed when a source's listing
// lost it, depending on which of two concurrent listings failed first).
func TestS3FailedKeepsHintedCause(t *testing.T) {
	r := &runner{opts: Options{Inputs: map[string]string{"flights": "s3://b/p/"}}}
	err := r.s3Failed(&ir.Source{Name: "flights"}, "cannot list s3://b/p/", fmt.Errorf("operation error S3: ListObjectsV2, %w", hintedErr{}))
	var h hintedErr
	if !errors.As(err, &h) {
		t.Fatalf("the hinted cause is not in the chain: %v", err)
	}
	if want := "source flights: cannot list s3://b/p/: no answer from http://x within 1s (tried 2 times)"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
}

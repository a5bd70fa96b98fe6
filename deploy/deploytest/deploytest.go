// Package deploytest runs real AWS emulators for tests: stock moto_server
// (Python moto), or the moto-pipeline server that FLOWC_TEST_EMULATOR names
// (moto with the patches this project's pipeline needs, see
// ../shared/tools/moto-pipeline). Each server listens on a free port of
// 127.0.0.1 and is stopped by its process ID when the test ends.
//
// When moto_server is missing a test is skipped, unless CI=true: then it
// fails, so CI cannot pass without running the emulator tests.
package deploytest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Region is the region every emulator test uses.
const Region = "us-east-1"

// Account is the account moto answers for.
const Account = "123456789012"

// envEmulator names the moto-pipeline server script.
const envEmulator = "FLOWC_TEST_EMULATOR"

// Server is a running emulator.
type Server struct {
	URL    string // http://127.0.0.1:PORT
	cmd    *exec.Cmd
	log    *syncBuffer
	exited chan struct{} // closed when the process has ended
}

// Moto starts stock moto_server. Without it the test is skipped, or fails
// when CI=true.
func Moto(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		missing(t, "moto_server is not installed (pip install \"moto[server]==5.2.1\")")
	}
	return start(t, bin)
}

// Pipeline starts the moto-pipeline server named by FLOWC_TEST_EMULATOR,
// and skips the test when the variable is not set.
func Pipeline(t testing.TB) *Server {
	t.Helper()
	script := os.Getenv(envEmulator)
	if script == "" {
		t.Skipf("%s is not set: it names ../shared/tools/moto-pipeline/moto_pipeline_server.py, which serves rollbacks, stack events and outputs, Glue and SNS resources and S3 -> EventBridge -> Step Functions that stock moto does not", envEmulator)
	}
	script, err := findUp(script)
	if err != nil {
		t.Fatalf("%s: %v", envEmulator, err)
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		missing(t, "python3 is not installed")
	}
	return start(t, py, script)
}

// findUp resolves a relative path against the working directory or, as
// `.ci/run` may set it relative to the repository root, against the
// nearest ancestor directory where it exists.
func findUp(p string) (string, error) {
	if filepath.IsAbs(p) {
		_, err := os.Stat(p)
		return p, err
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		cand := filepath.Join(dir, p)
		if _, err := os.Stat(cand); err == nil {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s not found from %s or any parent directory", p, dir)
		}
		dir = parent
	}
}

func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s; CI=true, so emulator tests must run", why)
	}
	t.Skipf("%s; skipping (with CI=true this fails)", why)
}

func start(t testing.TB, argv ...string) *Server {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	args := append(argv[1:], "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd := exec.Command(argv[0], args...)
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), "PYTHONUNBUFFERED=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", argv[0], err)
	}
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, log: log, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	t.Cleanup(s.stop)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-s.exited:
			t.Fatalf("emulator %s exited while starting on port %d:\n%s", argv[0], port, log.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("emulator %s did not start on port %d within a minute: %v\n%s", argv[0], port, err, log.String())
		}
	}
}

// stop ends the server's process group (the server and any child it
// started), by the process ID this package started.
func (s *Server) stop() {
	pid := s.cmd.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-s.exited
	}
}

// Log returns what the server printed so far.
func (s *Server) Log() string { return s.log.String() }

// Config is an SDK configuration for the emulator: dummy credentials,
// Region, and the server as the endpoint of every service.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(s.URL),
	}
}

// SetEnv points the standard SDK configuration chain at the server for
// the rest of the test, as a user would (AWS_ENDPOINT_URL and friends),
// and isolates it from the user's own AWS files.
func (s *Server) SetEnv(t testing.TB) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL":            s.URL,
		"AWS_ACCESS_KEY_ID":           "test",
		"AWS_SECRET_ACCESS_KEY":       "test",
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  Region,
		"AWS_DEFAULT_REGION":          Region,
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             dir + "/config",
		"AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
}

// Post sends a JSON body to a moto-api path (e.g. /moto-api/reset).
func (s *Server) Post(ctx context.Context, path, body string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+path, bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("POST %s: %s", path, resp.Status)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Notification is one message SNS published on the emulator.
type Notification struct {
	TopicArn, TopicName, Subject, Message string
}

// Published lists the messages SNS sent, in order, from moto's data dump
// (GET /moto-api/data.json, sns.Topic[].sent_notifications).
func (s *Server) Published(ctx context.Context) ([]Notification, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/data.json", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var data struct {
		SNS struct {
			Topic []struct {
				Arn  string  `json:"arn"`
				Name string  `json:"name"`
				Sent [][]any `json:"sent_notifications"` // [id, message, subject, ...]
			} `json:"Topic"`
		} `json:"sns"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		return nil, fmt.Errorf("reading the emulator's data: %w", err)
	}
	var out []Notification
	for _, tp := range data.SNS.Topic {
		for _, n := range tp.Sent {
			nt := Notification{TopicArn: tp.Arn, TopicName: tp.Name}
			if len(n) > 1 {
				nt.Message, _ = n[1].(string)
			}
			if len(n) > 2 {
				nt.Subject, _ = n[2].(string)
			}
			out = append(out, nt)
		}
	}
	return out, nil
}

// NoAnswer starts a TCP listener on 127.0.0.1 that accepts connections and
// never answers (an endpoint behind a broken proxy or firewall), and
// returns its URL. It is closed, with the connections it holds, when the
// test ends.
func NoAnswer(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening: %v", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

// Refused returns the URL of a port of 127.0.0.1 where nothing listens:
// connections to it are refused.
func Refused(t testing.TB) string {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

// NoCredentials isolates the standard SDK configuration chain from the
// machine for the rest of the test so that it finds no credentials: no
// AWS_* keys, profile or web identity, empty HOME and AWS files, and a
// metadata service (IMDS) endpoint that refuses connections, as on a
// laptop. The region is Region.
func NoCredentials(t testing.TB) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"HOME":                                   dir,
		"AWS_ACCESS_KEY_ID":                      "",
		"AWS_SECRET_ACCESS_KEY":                  "",
		"AWS_SESSION_TOKEN":                      "",
		"AWS_PROFILE":                            "",
		"AWS_DEFAULT_PROFILE":                    "",
		"AWS_ROLE_ARN":                           "",
		"AWS_WEB_IDENTITY_TOKEN_FILE":            "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "",
		"AWS_EC2_METADATA_DISABLED":              "",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT":      Refused(t),
		"AWS_CONFIG_FILE":                        dir + "/config",
		"AWS_SHARED_CREDENTIALS_FILE":            dir + "/credentials",
		"AWS_ENDPOINT_URL":                       "",
		"AWS_REGION":                             Region,
		"AWS_DEFAULT_REGION":                     Region,
	} {
		t.Setenv(k, v)
	}
}

package deploytest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Faults is a reverse proxy in front of an emulator that injects what the
// emulator cannot produce on its own: throttling, and a stack operation
// that stays in progress (moto finishes every operation within the call).
// Everything else passes through to the real emulator unchanged.
type Faults struct {
	URL string // point the SDK here

	mu         sync.Mutex
	throttle   map[string]int // action -> throttled answers left
	throttled  map[string]int // action -> throttled answers given
	holdStatus string         // stack status DescribeStacks reports while holding
	hold       int            // DescribeStacks answers left to rewrite; < 0: until Release
	after      string         // action that starts a pending hold
	pending    int            // the hold it starts
	requests   map[string]int // action -> requests seen
	silence    string         // action whose requests get no answer once silenceOn has been answered
	silenceOn  string
	silent     bool
}

// NewFaults starts a proxy in front of the server, stopped when the test ends.
func NewFaults(t testing.TB, s *Server) *Faults {
	t.Helper()
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	f := &Faults{throttle: map[string]int{}, throttled: map[string]int{}, requests: map[string]int{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = f.modify
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		action := actionOf(r)
		f.mu.Lock()
		f.requests[action]++
		throttle := f.throttle[action] > 0
		if throttle {
			f.throttle[action]--
			f.throttled[action]++
		}
		quiet := f.silent && action == f.silence
		f.mu.Unlock()
		if quiet {
			// Accept the request and never answer, as an endpoint that
			// hangs does; the client's own timeout ends the wait.
			<-r.Context().Done()
			return
		}
		if throttle {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>flowc-test</RequestId></ErrorResponse>`)
			return
		}
		r.Header.Set("X-Flowc-Action", action)
		proxy.ServeHTTP(w, r)
		f.mu.Lock()
		if f.after != "" && f.after == action {
			f.hold, f.after = f.pending, ""
		}
		if f.silenceOn != "" && f.silenceOn == action {
			f.silent = true
		}
		f.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// actionOf returns the Query-protocol action of a request (CloudFormation,
// STS), restoring the body for the proxy; "" for other protocols.
func actionOf(r *http.Request) string {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return ""
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	v, _ := url.ParseQuery(string(body))
	return v.Get("Action")
}

// Throttle answers the next n calls of a Query action (e.g. "DescribeStacks")
// with a Throttling error.
func (f *Faults) Throttle(action string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttle[action] += n
}

// Throttled returns how many calls of the action were throttled.
func (f *Faults) Throttled(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.throttled[action]
}

// Requests returns how many calls of the action reached the proxy.
func (f *Faults) Requests(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[action]
}

// Hold makes the next n DescribeStacks answers report status (e.g.
// UPDATE_IN_PROGRESS) instead of the stack's real status; n < 0 holds
// until Release.
func (f *Faults) Hold(status string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holdStatus, f.hold = status, n
}

// HoldAfter is Hold, starting once a call of the action has been answered
// (e.g. after "ExecuteChangeSet": the stack looks busy with the change).
func (f *Faults) HoldAfter(action, status string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holdStatus, f.after, f.pending = status, action, n
}

// SilenceAfter makes every later call of the action silenced go
// unanswered once a call of the action after has been answered (e.g.
// DescribeStacks after ExecuteChangeSet: the endpoint stops answering while
// flowc watches a deploy it started).
func (f *Faults) SilenceAfter(after, silenced string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.silenceOn, f.silence = after, silenced
}

// Release stops rewriting stack statuses.
func (f *Faults) Release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holdStatus, f.hold, f.after = "", 0, ""
}

var stackStatusRe = regexp.MustCompile(`<StackStatus>[A-Z_]+</StackStatus>`)

func (f *Faults) modify(resp *http.Response) error {
	if resp.Request.Header.Get("X-Flowc-Action") != "DescribeStacks" || resp.StatusCode != http.StatusOK {
		return nil
	}
	f.mu.Lock()
	status := f.holdStatus
	rewrite := f.hold != 0 && status != ""
	if rewrite && f.hold > 0 {
		f.hold--
	}
	f.mu.Unlock()
	if !rewrite {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	body = stackStatusRe.ReplaceAll(body, []byte("<StackStatus>"+status+"</StackStatus>"))
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

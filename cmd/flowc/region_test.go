package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

// credentialScope is the region and service a SigV4 request is signed
// for: Credential=KEY/DATE/REGION/SERVICE/aws4_request.
var credentialScope = regexp.MustCompile(`Credential=[^/]+/[0-9]+/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request`)

// TestRegionRule: the environment's region: wins over AWS_REGION and
// AWS_DEFAULT_REGION for every command that calls AWS (deploy.Connect),
// for deploy's clients and for run's s3:// reads alike: every request is
// signed for the spec's region.
func TestRegionRule(t *testing.T) {
	var mu sync.Mutex
	scopes := map[string][]string{} // service -> regions signed for
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			mu.Lock()
			scopes[m[2]] = append(scopes[m[2]], m[1])
			mu.Unlock()
		}
		http.Error(w, "no", http.StatusBadRequest) // the commands end here, exit 2
	}))
	defer srv.Close()
	awsEnv(t, srv.URL)
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_DEFAULT_REGION", "eu-west-2")
	t.Setenv("FLOWC_AWS_TIMEOUT", "5s")
	spec := exampleSpec(t, "region: us-east-1", "region: ap-southeast-2")
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	for _, tc := range []struct {
		args    []string
		service string
	}{
		{[]string{"diff", "--env", "dev", spec}, "sts"},
		{[]string{"deploy", "--env", "dev", "--yes", spec}, "sts"},
		{[]string{"destroy", "--env", "dev", "--yes", spec}, "sts"},
		{[]string{"run", "--env", "dev", "--warehouse", wh, "--input", "flights=s3://acme-flights-landing-dev/raw/flights/", spec}, "s3"},
	} {
		mu.Lock()
		clear(scopes)
		mu.Unlock()
		_, errOut, code := runBounded(t, time.Minute, tc.args...)
		if code != exitUsage {
			t.Errorf("flowc %s: exit %d, want 2 (the fake answers 400)\n%s", tc.args[0], code, errOut)
		}
		mu.Lock()
		if len(scopes[tc.service]) == 0 {
			t.Errorf("flowc %s: no %s request; requests: %v\n%s", tc.args[0], tc.service, scopes, errOut)
		}
		for service, regions := range scopes {
			for _, r := range regions {
				if r != "ap-southeast-2" {
					t.Errorf("flowc %s: a %s request signed for %s, want the spec's ap-southeast-2 (AWS_REGION is eu-west-1)", tc.args[0], service, r)
				}
			}
		}
		mu.Unlock()
	}
}

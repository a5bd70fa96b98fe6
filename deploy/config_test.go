package deploy

import (
	"context"
	"errors"
	"testing"

	"github.com/flowc-dev/flowc/deploy/deploytest"
)

// TestLoadConfigRegion: the one region rule. The environment's region wins
// over AWS_REGION and AWS_DEFAULT_REGION; they are used only when the
// environment has none (AWS_REGION first); with none anywhere,
// errNoRegion.
func TestLoadConfigRegion(t *testing.T) {
	(&deploytest.Server{URL: "http://127.0.0.1:1"}).SetEnv(t) // isolated from the machine's AWS files
	ctx := context.Background()
	for _, tc := range []struct {
		spec, awsRegion, awsDefault, want string
	}{
		{"ap-southeast-2", "eu-west-1", "eu-west-2", "ap-southeast-2"},
		{"ap-southeast-2", "", "", "ap-southeast-2"},
		{"", "eu-west-1", "eu-west-2", "eu-west-1"},
		{"", "", "eu-west-2", "eu-west-2"},
	} {
		t.Setenv("AWS_REGION", tc.awsRegion)
		t.Setenv("AWS_DEFAULT_REGION", tc.awsDefault)
		cfg, err := loadConfig(ctx, tc.spec)
		if err != nil || cfg.Region != tc.want {
			t.Errorf("region: %q, AWS_REGION=%s, AWS_DEFAULT_REGION=%s: got %q, %v; want %q", tc.spec, tc.awsRegion, tc.awsDefault, cfg.Region, err, tc.want)
		}
	}
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	if _, err := loadConfig(ctx, ""); !errors.Is(err, errNoRegion) {
		t.Errorf("no region anywhere: %v, want ErrNoRegion", err)
	}
}

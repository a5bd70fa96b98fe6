package spec

import (
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// Names derives the AWS resource names of a pipeline in one environment
// (the IR's; see ir.Names). The compiler uses the same functions, so what
// validate checks is what build creates.
type Names = ir.Names

// AWS name limits.
const (
	maxStateMachineName = 80
	maxRuleName         = 64
	maxRoleName         = ir.MaxRoleName
	maxGlueName         = 255
	maxTopicName        = 256
	maxStackName        = 128
	maxRedshiftIdent    = ir.MaxRedshiftIdent
)

// namedResource is one derived name with its limit, for checks.
type namedResource struct {
	What  string
	Name  string
	Limit int
}

// roleNames are the IAM roles every pipeline has.
var roleNames = []string{"sfn", "events"}

// Glue job roles (Names.JobRole) are cut to IAM's limit with a hash
// suffix rather than reported: a long table name must not stop a spec
// that validated before the roles were split.

var stackNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)

// validStackName reports whether s is a valid CloudFormation stack name.
func validStackName(s string) bool { return len(s) <= maxStackName && stackNameRe.MatchString(s) }

// bucketNameProblem returns why s is not a valid S3 bucket name, or "".
func bucketNameProblem(s string) string {
	switch {
	case len(s) < 3 || len(s) > 63:
		return fmt.Sprintf("must be 3 to 63 characters long, is %d", len(s))
	case strings.ToLower(s) != s:
		return "must be lowercase"
	case !bucketCharsRe.MatchString(s):
		return "may hold only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit"
	case strings.Contains(s, ".."):
		return "must not contain two adjacent dots"
	case net.ParseIP(s) != nil:
		return "must not be formatted as an IP address"
	case strings.HasPrefix(s, "xn--") || strings.HasPrefix(s, "sthree-"):
		return "must not start with xn-- or sthree-"
	case strings.HasSuffix(s, "-s3alias") || strings.HasSuffix(s, "--ol-s3") || strings.HasSuffix(s, ".mrap") || strings.HasSuffix(s, "--x-s3"):
		return "must not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3)"
	}
	return ""
}

var bucketCharsRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)

// SplitS3 splits s3://bucket/prefix into bucket and prefix (prefix without
// a leading slash, with a trailing slash when non-empty).
func SplitS3(loc string) (bucket, prefix string, ok bool) {
	rest, ok := strings.CutPrefix(loc, "s3://")
	if !ok {
		return "", "", false
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return bucket, prefix, bucket != ""
}

package deploy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/smithy-go"
)

// awsError is a failed AWS call reduced to what a user can act on: the
// service, the operation, AWS's error code and message.
type awsError struct {
	Service   string // e.g. CloudFormation
	Operation string // e.g. CreateChangeSet
	Code      string // e.g. ValidationError; "" when the call never got an answer
	Message   string
	Hint      string // what to do about it, when flowc knows
	Err       error  // the SDK error
}

func (e *awsError) Error() string {
	var b strings.Builder
	if e.Service != "" {
		b.WriteString(e.Service + " " + e.Operation + ": ")
	}
	b.WriteString(e.Message)
	if e.Code != "" {
		b.WriteString(" (" + e.Code + ")")
	}
	if e.Hint != "" {
		b.WriteString("\n  hint: " + e.Hint)
	}
	return b.String()
}

func (e *awsError) Unwrap() error { return e.Err }

// awsErr turns an SDK error into an *awsError. Context cancellation and
// deadline errors are returned as they are, so callers can tell them apart.
func awsErr(err error) error {
	if err == nil {
		return nil
	}
	// Before the context check: a dial timeout also matches
	// context.DeadlineExceeded, but no context expired.
	var ne *NoAnswerError
	if errors.As(err, &ne) {
		return &awsError{Service: ne.Service, Operation: ne.Operation, Message: ne.Error(), Hint: ne.Hint(), Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ae *awsError
	if errors.As(err, &ae) {
		return err
	}
	out := &awsError{Err: err, Message: err.Error()}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		out.Service, out.Operation = oe.ServiceID, oe.OperationName
		out.Message = oe.Err.Error()
	}
	var api smithy.APIError
	var nerr net.Error
	switch {
	case errors.As(err, &api):
		out.Code, out.Message = api.ErrorCode(), api.ErrorMessage()
		if out.Message == "" {
			out.Message = "request failed"
		}
		out.Hint = hintFor(out.Code)
	case strings.Contains(err.Error(), "get credentials") || strings.Contains(err.Error(), "get identity"):
		out.Message = "no usable AWS credentials"
		out.Hint = credentialsHint
	case errors.As(err, &nerr):
		out.Message = "cannot reach AWS: " + nerr.Error()
		out.Hint = "check the network, AWS_REGION, and AWS_ENDPOINT_URL if you use an emulator"
	}
	return out
}

// credentialsHint is the hint of every "no usable AWS credentials".
const credentialsHint = "set AWS_PROFILE (and run `aws sso login` for SSO profiles), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"

func hintFor(code string) string {
	switch code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "InsufficientCapabilitiesException":
		return "the credentials lack a permission flowc needs; the README lists a minimal deployer policy"
	case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
		return "the session has expired; refresh the credentials (e.g. `aws sso login`)"
	case "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch":
		return "the access key is not valid in this account or region; check AWS_PROFILE and the credentials"
	case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException":
		return "AWS kept throttling after several retries with backoff; try again in a minute"
	}
	return ""
}

// errCode returns the AWS error code of err, or "".
func errCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// errMessage returns the AWS error message of err, or err's text.
func errMessage(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorMessage()
	}
	return err.Error()
}

// isNotFound reports whether err says a bucket or object does not exist.
func isNotFound(err error) bool {
	switch errCode(err) {
	case "NotFound", "NoSuchKey", "NoSuchBucket", "404":
		return true
	}
	return false
}

// stackMissing reports whether err is CloudFormation's answer for a stack
// that does not exist.
func stackMissing(err error) bool {
	return errCode(err) == "ValidationError" && strings.Contains(errMessage(err), "does not exist")
}

// noUpdates reports whether err (or a change set's status reason) says the
// submitted template changes nothing: stock moto and UpdateStack answer
// "No updates are to be performed.", AWS marks the change set FAILED with
// "The submitted information didn't contain changes."
func noUpdates(msg string) bool {
	return strings.Contains(msg, "No updates are to be performed") ||
		strings.Contains(msg, "didn't contain changes") ||
		strings.Contains(msg, "did not contain changes")
}

// Cancelled is returned when the context was cancelled while flowc was
// waiting; Resume says how to pick up where it stopped.
type Cancelled struct {
	What   string // what flowc was waiting for
	Resume string
}

func (e *Cancelled) Error() string {
	return fmt.Sprintf("interrupted while waiting for %s.\n%s", e.What, e.Resume)
}

// Unwrap makes errors.Is(err, context.Canceled) true.
func (e *Cancelled) Unwrap() error { return context.Canceled }

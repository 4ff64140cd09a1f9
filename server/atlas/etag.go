package atlas

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// Optimistic concurrency: every single-record GET (and the 200 of a PUT or
// PATCH) carries a strong ETag of the record's JSON representation; PUT,
// PATCH and DELETE with If-Match change the record only while its current
// representation still has one of the listed tags (RFC 9110 section
// 13.1.1). The comparison runs inside the write transaction, so no other
// write can come between the check and the change.

// errPreconditionFailed means an If-Match did not match: 412.
var errPreconditionFailed = errors.New("atlas: If-Match does not match the current ETag")

// etagOf is the strong ETag of an encoded representation.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// ifMatches reports whether an If-Match header value admits a record whose
// ETag is current: `*` admits any existing record; otherwise one of the
// listed tags must equal it (weak tags never match, as RFC 9110 requires
// strong comparison here).
func ifMatches(header, current string) bool {
	header = strings.TrimSpace(header)
	if header == "*" {
		return true
	}
	for tag := range strings.SplitSeq(header, ",") {
		if strings.TrimSpace(tag) == current {
			return true
		}
	}
	return false
}

// precondition returns a check of the If-Match header (nil when absent)
// against the representation that render produces from the record as it is
// in the write transaction; render is only called when there is a header.
func precondition(ifMatch *string, render func() ([]byte, error)) func() error {
	if ifMatch == nil {
		return nil
	}
	return func() error {
		if strings.TrimSpace(*ifMatch) == "*" {
			return nil
		}
		body, err := render()
		if err != nil {
			return err
		}
		if !ifMatches(*ifMatch, etagOf(body)) {
			return errPreconditionFailed
		}
		return nil
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBlobsFlag: serve refuses a --blobs it cannot use, with the reason,
// and backup refuses to write an archive without the attachments' bytes.
func TestBlobsFlag(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	creds := []string{"AWS_ACCESS_KEY_ID", "k", "AWS_SECRET_ACCESS_KEY", "s"}
	for _, tc := range []struct {
		name   string
		blobs  string
		getenv func(string) string
		want   string
	}{
		{"not s3", "file:///tmp/x", env(creds...), "want s3://BUCKET"},
		{"no bucket", "s3://?endpoint=127.0.0.1:1", env(creds...), "want s3://BUCKET"},
		{"no endpoint", "s3://b", env(creds...), "endpoint=HOST:PORT is required"},
		{"unknown parameter", "s3://b?endpoint=127.0.0.1:1&sekure=false", env(creds...), `unknown parameter "sekure"`},
		{"bad secure", "s3://b?endpoint=127.0.0.1:1&secure=maybe", env(creds...), "want true or false"},
		{"no credentials", "s3://b?endpoint=127.0.0.1:1", env(), "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
		{"unreachable from env", "", env(append(creds, "SESSIONHUB_BLOBS", "s3://b?endpoint=http://127.0.0.1:1")...), "s3://b/atlas/ at http://127.0.0.1:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}
			if tc.blobs != "" {
				args = append(args, "--blobs", tc.blobs)
			}
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), args, tc.getenv, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("serve --blobs %q = %v; want an error saying %q", tc.blobs, err, tc.want)
			}
		})
	}

	t.Run("backup", func(t *testing.T) {
		t.Parallel()
		data, out := t.TempDir(), filepath.Join(t.TempDir(), "b.tar.gz")
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), []string{"backup", "--data", data, "--out", out}, env("SESSIONHUB_BLOBS", "s3://b?endpoint=127.0.0.1:1"), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), "none is written") {
			t.Errorf("backup with blobs on S3 = %v; want a refusal", err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("archive written anyway: %v", err)
		}
	})
}

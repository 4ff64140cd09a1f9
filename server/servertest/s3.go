package servertest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/sessionhub/sessionhub/store"
)

// WeedEnv names the SeaweedFS binary (built by e2e/s3/weed.sh) that the S3
// blob tests start; without it they skip.
const WeedEnv = "SESSIONHUB_WEED"

// S3 is a SeaweedFS server with its S3 gateway on 127.0.0.1, in a temp dir
// of the test that started it, stopped when that test ends.
type S3 struct {
	// Endpoint is the S3 gateway's HOST:PORT (plain HTTP).
	Endpoint             string
	AccessKey, SecretKey string
	client               *minio.Client
	buckets              atomic.Int64
}

// StartS3 starts SeaweedFS for t and its subtests, or skips t when
// SESSIONHUB_WEED is not set. It fails t unless the S3 gateway answers
// within two minutes.
func StartS3(t *testing.T) *S3 {
	t.Helper()
	weed := os.Getenv(WeedEnv)
	if weed == "" {
		t.Skipf("S3 blob tests skipped: set %s to a SeaweedFS weed binary (bash e2e/s3/weed.sh builds one and prints its path)", WeedEnv)
	}
	dir := t.TempDir()
	s := &S3{AccessKey: "sessionhub-test", SecretKey: "sessionhub-test-secret"}
	conf := fmt.Sprintf(`{"identities":[{"name":"sessionhub","credentials":[{"accessKey":%q,"secretKey":%q}],"actions":["Admin","Read","List","Tagging","Write"]}]}`, s.AccessKey, s.SecretKey)
	confPath := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	// Every port explicitly free: the defaults (9333, 8080, 8888, their
	// gRPC ports 10000 higher, ...) would clash with other servers.
	// Nine distinct ports: a port free a moment ago may be handed out again.
	used := map[int]bool{}
	port := func() string {
		for {
			if p := freePort(t); !used[p] {
				used[p] = true
				return strconv.Itoa(p)
			}
		}
	}
	s3Port := port()
	s.Endpoint = "127.0.0.1:" + s3Port
	args := []string{"server", "-dir=" + data, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-master.port=" + port(), "-master.port.grpc=" + port(), "-master.volumeSizeLimitMB=64",
		"-volume.port=" + port(), "-volume.port.grpc=" + port(), "-volume.max=0",
		"-filer.port=" + port(), "-filer.port.grpc=" + port(),
		"-s3", "-s3.port=" + s3Port, "-s3.port.grpc=" + port(), "-s3.port.iceberg=0", "-s3.port.lance=0",
		"-s3.config=" + confPath}
	cmd := exec.Command(weed, args...)
	log := &SyncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", weed, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		// SeaweedFS (one process) may take many seconds to stop on
		// SIGTERM; its data is thrown away, so it gets two.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	client, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	s.client = client
	// Ready once a bucket can be made and written to.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case err := <-done:
			done <- err // for the cleanup, which waits for it
			t.Fatalf("weed server exited early: %v\n%s", err, log.String())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := client.MakeBucket(ctx, "ready", minio.MakeBucketOptions{})
		if err == nil || minio.ToErrorResponse(err).Code == "BucketAlreadyOwnedByYou" {
			_, err = client.PutObject(ctx, "ready", "probe", strings.NewReader("ok"), 2, minio.PutObjectOptions{})
		}
		cancel()
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("SeaweedFS S3 on %s not ready within 2 minutes: %v\n%s", s.Endpoint, err, log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// freePort is a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Bucket creates a new, empty bucket and returns its name.
func (s *S3) Bucket(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("test-%d-%d", os.Getpid(), s.buckets.Add(1))
	if err := s.client.MakeBucket(context.Background(), name, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("make bucket %s: %v", name, err)
	}
	return name
}

// URL is the --blobs value for bucket.
func (s *S3) URL(bucket string) string {
	return "s3://" + bucket + "?endpoint=http://" + s.Endpoint + "&region=us-east-1"
}

// Getenv is the environment with the gateway's credentials, for
// store.OpenS3Blobs and for serve processes (as Environ).
func (s *S3) Getenv(key string) string {
	switch key {
	case "AWS_ACCESS_KEY_ID":
		return s.AccessKey
	case "AWS_SECRET_ACCESS_KEY":
		return s.SecretKey
	}
	return ""
}

// Environ is Getenv's variables as KEY=VALUE.
func (s *S3) Environ() []string {
	return []string{"AWS_ACCESS_KEY_ID=" + s.AccessKey, "AWS_SECRET_ACCESS_KEY=" + s.SecretKey}
}

// Blobs opens a blob store on a new bucket of s, for maxFileBytes per file.
func (s *S3) Blobs(t testing.TB, maxFileBytes int64) *store.S3Blobs {
	t.Helper()
	b, err := store.OpenS3Blobs(context.Background(), s.URL(s.Bucket(t)), s.Getenv, maxFileBytes)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Objects lists the keys in bucket and the keys of its incomplete
// multipart uploads, for checks that nothing was left behind.
func (s *S3) Objects(t testing.TB, bucket string) (objects, uploads []string) {
	t.Helper()
	ctx := context.Background()
	for o := range s.client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		objects = append(objects, o.Key)
	}
	for u := range s.client.ListIncompleteUploads(ctx, bucket, "", true) {
		if u.Err != nil {
			t.Fatal(u.Err)
		}
		uploads = append(uploads, u.Key)
	}
	return objects, uploads
}

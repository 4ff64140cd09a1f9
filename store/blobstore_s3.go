package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Blobs keeps the attachments' bytes in a bucket of an S3-compatible
// object store, one object per attachment named prefix + id. An upload
// streams straight to that key with a multipart upload (one part buffer in
// memory); the object stays invisible until the attachment row commits,
// and SweepBlobs removes objects without a row and aborts incomplete
// multipart uploads that a crash left. The bucket's prefix belongs to
// this sessionhub: the sweep deletes any object there that no attachment
// row names.
type S3Blobs struct {
	client   *minio.Client
	bucket   string
	prefix   string
	partSize uint64
	desc     string
}

// S3 part sizes: at least 8 MiB, and large enough for the per-file limit
// in at most s3MaxParts parts.
const (
	s3MinPartSize = 8 << 20
	s3MaxParts    = 10000
)

// OpenS3Blobs connects to the bucket that rawURL names and checks that it
// exists. rawURL is s3://BUCKET[/PREFIX]?endpoint=HOST:PORT[&region=R]
// [&secure=false]: the endpoint is reached over HTTPS unless secure=false
// or the endpoint is written as http://HOST:PORT. The prefix defaults to
// "atlas/". Credentials come from getenv: AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; the region from the URL or
// AWS_REGION. maxFileBytes (the per-file limit) sets the part size.
func OpenS3Blobs(ctx context.Context, rawURL string, getenv func(string) string, maxFileBytes int64) (*S3Blobs, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, fmt.Errorf("blobs %q: want s3://BUCKET[/PREFIX]?endpoint=HOST:PORT[&region=R][&secure=false]", rawURL)
	}
	q := u.Query()
	for k := range q {
		switch k {
		case "endpoint", "region", "secure":
		default:
			return nil, fmt.Errorf("blobs %q: unknown parameter %q (want endpoint, region, secure)", rawURL, k)
		}
	}
	endpoint, secure := q.Get("endpoint"), true
	switch {
	case strings.HasPrefix(endpoint, "http://"):
		endpoint, secure = strings.TrimPrefix(endpoint, "http://"), false
	case strings.HasPrefix(endpoint, "https://"):
		endpoint = strings.TrimPrefix(endpoint, "https://")
	}
	if endpoint == "" || strings.ContainsAny(endpoint, "/?#") {
		return nil, fmt.Errorf("blobs %q: endpoint=HOST:PORT is required", rawURL)
	}
	if v := q.Get("secure"); v != "" {
		if secure, err = strconv.ParseBool(v); err != nil {
			return nil, fmt.Errorf("blobs %q: secure=%q: want true or false", rawURL, v)
		}
	}
	region := q.Get("region")
	if region == "" {
		region = getenv("AWS_REGION")
	}
	prefix := strings.TrimPrefix(u.Path, "/")
	if prefix == "" {
		prefix = "atlas"
	}
	prefix = strings.TrimSuffix(prefix, "/") + "/"
	key, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if key == "" || secret == "" {
		return nil, errors.New("blobs on S3 need AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
	}
	client, err := minio.New(endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(key, secret, getenv("AWS_SESSION_TOKEN")),
		Secure: secure,
		Region: region,
	})
	if err != nil {
		return nil, fmt.Errorf("blobs %q: %w", rawURL, err)
	}
	scheme := "https"
	if !secure {
		scheme = "http"
	}
	b := &S3Blobs{client: client, bucket: u.Host, prefix: prefix, partSize: s3MinPartSize,
		desc: fmt.Sprintf("s3://%s/%s at %s://%s", u.Host, prefix, scheme, endpoint)}
	if need := uint64(maxFileBytes/s3MaxParts) + 1; need > b.partSize {
		b.partSize = (need + 1<<20 - 1) &^ (1<<20 - 1)
	}
	ok, err := client.BucketExists(ctx, b.bucket)
	if err != nil {
		return nil, fmt.Errorf("blobs %s: %w", b.desc, err)
	}
	if !ok {
		return nil, fmt.Errorf("blobs %s: the bucket %q does not exist; create it first", b.desc, b.bucket)
	}
	return b, nil
}

// Describe names the bucket, prefix and endpoint.
func (b *S3Blobs) Describe() string { return b.desc }

func (b *S3Blobs) key(id string) string { return b.prefix + id }

// Create starts uploading to the attachment's own key: the row, not the
// key, makes it visible, so Commit has nothing to move. The bytes go
// through a pipe to one multipart upload of b.partSize parts; an error
// before Close aborts that upload.
func (b *S3Blobs) Create(ctx context.Context, id string) (BlobWriter, error) {
	pr, pw := io.Pipe()
	w := &s3BlobWriter{pw: pw, id: id, done: make(chan error, 1)}
	go func() {
		_, err := b.client.PutObject(ctx, b.bucket, b.key(id), pr, -1, minio.PutObjectOptions{
			PartSize: b.partSize, ContentType: "application/octet-stream",
			// No per-chunk payload signatures (they would allocate for every
			// 64 KiB and hash everything a second time); the request
			// headers are still signed, and the store hashes the bytes itself.
			DisableContentSha256: true,
		})
		pr.CloseWithError(err) // unblocks a writer if the upload failed early
		w.done <- err
	}()
	return w, nil
}

// Commit does nothing: the object is already at the attachment's key.
func (b *S3Blobs) Commit(context.Context, string, string) error { return nil }

// Open returns the object as a minio Object, whose Seek and Read turn
// into ranged GETs. A missing object is ErrNotFound.
func (b *S3Blobs) Open(ctx context.Context, id string) (io.ReadSeekCloser, error) {
	obj, err := b.client.GetObject(ctx, b.bucket, b.key(id), minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return obj, nil
}

// s3UploadSep separates key and upload id in the Name of an incomplete
// multipart upload; ids and the prefix never contain it.
const s3UploadSep = "\x00upload="

// Remove deletes the object of an attachment id, or aborts the incomplete
// multipart upload that List named.
func (b *S3Blobs) Remove(ctx context.Context, name string) error {
	if id, upload, ok := strings.Cut(name, s3UploadSep); ok {
		err := minio.Core{Client: b.client}.AbortMultipartUpload(ctx, b.bucket, b.key(id), upload)
		if minio.ToErrorResponse(err).Code == minio.NoSuchUpload {
			return nil
		}
		return err
	}
	return b.client.RemoveObject(ctx, b.bucket, b.key(name), minio.RemoveObjectOptions{})
}

// List reports every object under the prefix (as attachment blobs, with
// their last-modified time) and every incomplete multipart upload there
// (as staged blobs, with the time they were started).
func (b *S3Blobs) List(ctx context.Context, fn func(BlobInfo)) error {
	for o := range b.client.ListObjects(ctx, b.bucket, minio.ListObjectsOptions{Prefix: b.prefix, Recursive: true}) {
		if o.Err != nil {
			return o.Err
		}
		id := strings.TrimPrefix(o.Key, b.prefix)
		fn(BlobInfo{Name: id, Writer: id, ModTime: o.LastModified})
	}
	for u := range b.client.ListIncompleteUploads(ctx, b.bucket, b.prefix, true) {
		if u.Err != nil {
			return u.Err
		}
		id := strings.TrimPrefix(u.Key, b.prefix)
		fn(BlobInfo{Name: id + s3UploadSep + u.UploadID, Staged: true, Writer: id, ModTime: u.Initiated})
	}
	return nil
}

// s3BlobWriter feeds a PutObject running in its own goroutine.
type s3BlobWriter struct {
	pw   *io.PipeWriter
	id   string
	done chan error
	once sync.Once
	err  error
}

func (w *s3BlobWriter) Write(p []byte) (int, error) { return w.pw.Write(p) }
func (w *s3BlobWriter) Staged() string              { return w.id }

// Close ends the stream and waits for the upload to complete.
func (w *s3BlobWriter) Close() error {
	w.once.Do(func() {
		w.pw.Close()
		w.err = <-w.done
	})
	return w.err
}

// Abort fails the stream, which makes PutObject abort the multipart
// upload, and waits for it.
func (w *s3BlobWriter) Abort() {
	w.once.Do(func() {
		w.pw.CloseWithError(errors.New("upload abandoned"))
		w.err = <-w.done
	})
}

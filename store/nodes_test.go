package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
	"github.com/sessionhub/sessionhub/store/pgtest"
)

// twoNodes opens two stores over one new PostgreSQL database and one blob
// store (a shared directory, or a bucket of SeaweedFS when s3 is set), as
// two sessionhub nodes would. It skips without PostgreSQL's binaries.
func twoNodes(t *testing.T, s3 bool) (a, b *store.Store) {
	t.Helper()
	// Its own template key: the core's internal tests of this binary
	// fill "migrated" with the core's tables only.
	url := pgtest.Database(t, "migrated with every API", func(url string) error {
		st, err := store.OpenWith(store.Options{DataDir: t.TempDir(), DatabaseURL: url, Migrate: true, Tables: tables()})
		if err != nil {
			return err
		}
		return st.Close()
	})
	dir := t.TempDir()
	var blobs store.BlobStore
	if s3 {
		blobs = servertest.StartS3(t).Blobs(t, 1<<20)
	}
	open := func() *store.Store {
		st, err := store.OpenWith(store.Options{DataDir: dir, DatabaseURL: url, Tables: tables()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if blobs != nil {
			st.SetBlobs(blobs)
		}
		return st
	}
	return open(), open()
}

func blobSum(t *testing.T, st *store.Store, id string) string {
	t.Helper()
	f, err := st.Blobs().Open(context.Background(), id)
	if err != nil {
		t.Fatalf("open blob %s: %v", id, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestSweepOnSeveralNodes: node B's sweep spares node A's upload in
// progress and the blob of an attachment whose transaction has moved it
// into place but not committed yet; it removes the upload of a node that
// died (its pending row no longer touched). AddAtlasAttachments survives
// PostgreSQL running its transaction a second time.
func TestSweepOnSeveralNodes(t *testing.T) {
	for _, s3 := range []bool{false, true} {
		name := "local"
		if s3 {
			name = "s3"
		}
		t.Run(name, func(t *testing.T) {
			if s3 && os.Getenv("SESSIONHUB_WEED") == "" {
				t.Skip("no SeaweedFS: set SESSIONHUB_WEED (bash e2e/s3/weed.sh prints its path)")
			}
			a, b := twoNodes(t, s3)
			ctx := t.Context()
			u, err := a.CreateUser(ctx, "n@example.org", "")
			if err != nil {
				t.Fatal(err)
			}
			sess, _, err := atlasdb.New(a).CreateSession(ctx, u, atlasdb.NewSession{})
			if err != nil {
				t.Fatal(err)
			}
			stage := func(data []byte) *store.StagedBlob {
				t.Helper()
				blob, err := a.StageBlob(ctx, bytes.NewReader(data), 1<<20)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(blob.Discard)
				return blob
			}
			sweep := func(want int) {
				t.Helper()
				if n, err := b.SweepBlobs(ctx, 0); err != nil || n != want {
					t.Fatalf("sweep on node B: removed %d, %v; want %d", n, err, want)
				}
			}

			// An upload in progress on A: spared by B, however old.
			live := stage([]byte("in progress"))
			sweep(0)

			// A transaction that has committed the blob but not its row yet:
			// its commit waits (a deferred trigger sleeps) while B sweeps.
			// The same trigger fails the first COMMIT as a serialization
			// failure, so PostgreSQL's retry runs the write a second time.
			for _, q := range []string{
				`CREATE SEQUENCE commit_attempts`,
				`CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					PERFORM pg_sleep(0.5);
					IF nextval('commit_attempts') = 1 THEN
						RAISE EXCEPTION 'forced conflict' USING ERRCODE = '40001';
					END IF;
					RETURN NULL;
				END $$`,
				`CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON atlas_attachments
					DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit()`,
			} {
				if err := a.W.Exec(q).Error; err != nil {
					t.Fatal(err)
				}
			}
			data := []byte("committed twice")
			blob := stage(data)
			done := make(chan error, 1)
			var atts []atlasdb.Attachment
			go func() {
				var err error
				atts, err = atlasdb.New(a).AddAttachments(ctx, u, sess.ID, []atlasdb.NewAttachment{{Name: "f.txt", Type: "text/plain", Blob: blob}})
				done <- err
			}()
			for range 4 { // while the transaction waits at its COMMIT
				time.Sleep(200 * time.Millisecond)
				sweep(0)
			}
			if err := <-done; err != nil {
				t.Fatalf("AddAtlasAttachments with a retried transaction: %v", err)
			}
			var attempts int
			if err := a.W.Raw("SELECT last_value FROM commit_attempts").Scan(&attempts).Error; err != nil || attempts < 2 {
				t.Fatalf("commit attempts: %d, %v; want the transaction run again", attempts, err)
			}
			want := sha256.Sum256(data)
			if got := blobSum(t, b, atts[0].ID); got != hex.EncodeToString(want[:]) {
				t.Fatalf("attachment read through B: sha256 %s, want %x", got, want)
			}
			sweep(0)
			if got := blobSum(t, b, atts[0].ID); got != hex.EncodeToString(want[:]) {
				t.Fatal("the sweep changed a committed attachment")
			}

			// Node A dies: its pending row is no longer touched.
			if err := a.W.Exec("UPDATE pending_blobs SET touched_at = now() - interval '1 hour'").Error; err != nil {
				t.Fatal(err)
			}
			sweep(1)
			var pending int64
			if err := a.W.Raw("SELECT count(*) FROM pending_blobs").Scan(&pending).Error; err != nil || pending != 0 {
				t.Fatalf("pending rows after the sweep: %d, %v; want 0", pending, err)
			}
			live.Discard()
		})
	}
}

// TestSweepRunsOnOneNodeAtATime: while one node holds the sweep's
// advisory lock, another node's sweep does nothing.
func TestSweepRunsOnOneNodeAtATime(t *testing.T) {
	a, b := twoNodes(t, false)
	ctx := t.Context()
	conn, err := a.W.DB()
	if err != nil {
		t.Fatal(err)
	}
	c, err := conn.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock($1)", store.SweepLockID); err != nil {
		t.Fatal(err)
	}
	orphan := b.BlobDir + "/atlas/6f1c2d3e-0000-4000-8000-0000000000aa"
	if err := os.MkdirAll(b.BlobDir+"/atlas", 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orphan, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := b.SweepBlobs(ctx, 0); err != nil || n != 0 {
		t.Fatalf("sweep while another node sweeps: removed %d, %v; want 0", n, err)
	}
	if _, err := c.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", store.SweepLockID); err != nil {
		t.Fatal(err)
	}
	if n, err := b.SweepBlobs(ctx, 0); err != nil || n != 1 {
		t.Fatalf("sweep once the lock is free: removed %d, %v; want 1", n, err)
	}
}

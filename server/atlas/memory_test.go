package atlas_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server"
)

// TestUploadMemoryDoesNotGrowWithFileSize streams a 256 MiB file (64 MiB
// under -race) through an io.Pipe multipart writer into the real server
// (validator, auth, handler, store) and measures the bytes the whole process allocates meanwhile and
// its peak heap. Buffering the file anywhere would cost at least its size.
// It is not parallel, so no other test allocates during the measurement.
func TestUploadMemoryDoesNotGrowWithFileSize(t *testing.T) {
	const size = streamedUploadSize
	const budget = 32 << 20
	f := newFixture(t, server.Config{})

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	hashc := make(chan string, 1)
	go func() {
		part, err := mw.CreateFormFile("files", "big.bin")
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		chunk := make([]byte, 1<<20)
		for i := range chunk {
			chunk[i] = byte(i * 7)
		}
		h := sha256.New()
		w := io.MultiWriter(part, h)
		for written := 0; written < size; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		hashc <- hex.EncodeToString(h.Sum(nil))
		pw.CloseWithError(mw.Close())
	}()
	req, err := http.NewRequest("POST", f.env.Srv.URL+"/sessions/"+f.aliceSession+"/upload-files", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+f.alice)

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	res, err := f.env.Srv.Client().Do(req)
	close(stop)
	<-sampled
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}

	allocated := after.TotalAlloc - before.TotalAlloc
	growth := int64(peak.Load()) - int64(before.HeapInuse)
	t.Logf("streamed %d MiB: allocated %.1f MiB, peak heap growth %.1f MiB", size>>20, float64(allocated)/(1<<20), float64(growth)/(1<<20))
	if allocated > budget || growth > budget {
		t.Errorf("memory grows with the file: allocated %d bytes, heap grew %d bytes (budget %d)", allocated, growth, budget)
	}

	var list struct {
		Items []attachment `json:"items"`
	}
	if err := json.Unmarshal(body, &list); err != nil || len(list.Items) != 1 {
		t.Fatalf("answer %s: %v", body, err)
	}
	stored, err := f.env.Store.Blobs().Open(t.Context(), list.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	n, err := stored.Seek(0, io.SeekEnd)
	stored.Close()
	if err != nil || n != size {
		t.Fatalf("stored blob: %d bytes, %v; want %d", n, err, size)
	}
	check := f.do(t, "GET", "/sessions/"+f.aliceSession+"/attachments/"+list.Items[0].ID+"/content", f.alice, nil, "Range", "bytes=0-0")
	if want := `"` + <-hashc + `"`; check.StatusCode != http.StatusPartialContent || check.Header.Get("ETag") != want {
		t.Errorf("ETag %q, want %q (status %d)", check.Header.Get("ETag"), want, check.StatusCode)
	}
}

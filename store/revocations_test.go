package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// The generation is read once, then again only after a revocation
// signalled, and on every call while the file is gone.
func TestRevocationSignalSparesTheGenerationRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r, err := openRevocationSignal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	ctx := context.Background()
	reads, gen := 0, int64(7)
	read := func(context.Context) (int64, error) { reads++; return gen, nil }
	get := func() int64 {
		t.Helper()
		g, err := r.generation(ctx, read)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	for i := 0; i < 10; i++ {
		if g := get(); g != 7 {
			t.Fatalf("generation %d, want 7", g)
		}
	}
	if reads != 1 {
		t.Fatalf("%d reads for 10 calls with no revocation, want 1", reads)
	}
	// A second signal follows at once: the file's time may not move, its
	// size does.
	for want := int64(8); want <= 9; want++ {
		gen = want
		if err := r.signal(); err != nil {
			t.Fatal(err)
		}
		if g := get(); g != want {
			t.Fatalf("after a revocation: generation %d, want %d", g, want)
		}
	}
	if reads != 3 {
		t.Fatalf("%d reads, want 3", reads)
	}
	// Another process opening the same directory leaves the file as it is.
	if again, err := openRevocationSignal(dir); err != nil {
		t.Fatal(err)
	} else {
		again.close()
	}
	get()
	if reads != 3 {
		t.Fatalf("opening the signal again counted as a revocation (%d reads)", reads)
	}
	// A file put in its place (a restore, say) is read from then on, and
	// counts as a change even with the same size and time.
	p := filepath.Join(dir, revocationsName)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p+".new", make([]byte, fi.Size()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p+".new", fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".new", p); err != nil {
		t.Fatal(err)
	}
	gen = 10
	if g := get(); g != 10 || reads != 4 {
		t.Fatalf("after the file was replaced: generation %d after %d reads, want 10 after 4", g, reads)
	}
	get()
	gen = 11
	if err := r.signal(); err != nil {
		t.Fatal(err)
	}
	if g := get(); g != 11 || reads != 5 {
		t.Fatalf("after a revocation signalled in the new file: generation %d after %d reads, want 11 after 5", g, reads)
	}
	// Without the file every call reads, and signal does not create it.
	if err := os.Remove(filepath.Join(dir, revocationsName)); err != nil {
		t.Fatal(err)
	}
	get()
	get()
	if reads != 7 {
		t.Fatalf("%d reads without the file, want 7", reads)
	}
	if err := r.signal(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, revocationsName)); !os.IsNotExist(err) {
		t.Fatalf("signal created the file: %v", err)
	}
}

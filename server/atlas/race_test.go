//go:build race

package atlas_test

// streamedUploadSize is smaller under the race detector, which slows the
// byte loops of multipart parsing several times; 64 MiB is still twice
// the memory budget, so buffering the file would still fail the test.
const streamedUploadSize = 64 << 20

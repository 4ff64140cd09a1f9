//go:build !race

package atlas_test

// streamedUploadSize is the size of the memory test's upload.
const streamedUploadSize = 256 << 20

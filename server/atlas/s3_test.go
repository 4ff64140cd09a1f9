package atlas_test

import (
	"testing"

	"github.com/sessionhub/sessionhub/server/servertest"
)

// s3Server is the SeaweedFS that TestS3 starts; newFixture puts the blobs
// of every fixture under TestS3/ in a bucket of their own on it.
var s3Server *servertest.S3

// TestS3 runs the attachment tests (upload, list, download with Range,
// delete, limits, export downloads, memory of a streamed upload) again with the bytes on an S3 bucket
// of a real SeaweedFS instead of the data dir. It skips unless
// SESSIONHUB_WEED names a weed binary (e2e/s3/weed.sh).
func TestS3(t *testing.T) {
	s3Server = servertest.StartS3(t)
	// Not parallel: it measures the whole process's allocations, so it
	// runs before the parallel ones below start.
	t.Run("UploadMemoryDoesNotGrowWithFileSize", TestUploadMemoryDoesNotGrowWithFileSize)
	for name, test := range map[string]func(*testing.T){
		"API":                           TestAPI,
		"AttachmentsAPI":                TestAttachmentsAPI,
		"UploadNamesAndTypes":           TestUploadNamesAndTypes,
		"UploadRejects":                 TestUploadRejects,
		"UploadExactlyAtTheLimit":       TestUploadExactlyAtTheLimit,
		"ConcurrentUploadsToOneSession": TestConcurrentUploadsToOneSession,
		"SharedAttachmentLifetime":      TestSharedAttachmentLifetime,
		"UploadBelowFreeSpaceFloor":     TestUploadBelowFreeSpaceFloor,
		"UploadRequestLimit":            TestUploadRequestLimit,
		"ExportURL":                     TestExportURL,
	} {
		t.Run(name, test)
	}
}

package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// atlasExportKeyFile holds the secret that signs Atlas export URLs, in the
// data directory (the parent of BlobDir), readable by the server's user only.
const atlasExportKeyFile = "atlas-export.key"

// atlasExportKeyBytes is the secret's length (an HMAC-SHA256 key).
const atlasExportKeyBytes = 32

// ExportKey returns the secret that signs export URLs, creating it
// (random, file mode 0600) on the first call for a data directory.
// Deleting the file invalidates every URL handed out before the next start.
// On PostgreSQL the key is a row of shared_secrets instead, so that every
// node serving the database signs and checks URLs with the same key.
func (s *Store) ExportKey() ([]byte, error) {
	if s.dialect == Postgres {
		return s.databaseSecret(context.Background(), "atlas-export", atlasExportKeyBytes)
	}
	path := filepath.Join(filepath.Dir(s.BlobDir), atlasExportKeyFile)
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) != atlasExportKeyBytes {
			return nil, fmt.Errorf("%s: want %d bytes, found %d", path, atlasExportKeyBytes, len(key))
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key = make([]byte, atlasExportKeyBytes)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	// Written to a temp file and renamed, so a crash never leaves a short key.
	f, err := os.CreateTemp(filepath.Dir(path), atlasExportKeyFile+".*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return nil, err
	}
	return key, nil
}

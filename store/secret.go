package store

import (
	"context"
	"crypto/rand"
	"fmt"

	"gorm.io/gorm/clause"
)

// sharedSecret is a secret that every node serving one PostgreSQL
// database must share (a row of shared_secrets). On SQLite such secrets
// are files in the data directory instead (ExportKey).
type sharedSecret struct {
	Name  string `gorm:"primaryKey;type:text"`
	Value []byte `gorm:"not null"`
}

func (sharedSecret) TableName() string { return "shared_secrets" }

// databaseSecret returns the secret called name, creating it (size random
// bytes) on first use. Nodes that start at once agree: the first insert
// wins and everyone reads the row it stored.
func (s *Store) databaseSecret(ctx context.Context, name string, size int) ([]byte, error) {
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	db := s.W.WithContext(ctx)
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&sharedSecret{Name: name, Value: fresh}).Error; err != nil {
		return nil, err
	}
	var row sharedSecret
	if err := db.Where("name = ?", name).Take(&row).Error; err != nil {
		return nil, err
	}
	if len(row.Value) != size {
		return nil, fmt.Errorf("shared secret %q: want %d bytes, found %d", name, size, len(row.Value))
	}
	return row.Value, nil
}

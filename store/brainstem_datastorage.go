package store

import (
	"context"
)

// ListBSDataStorages returns one page of the data storages v may see and their total.
func (s *Store) ListBSDataStorages(ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]BSDataStorage, int64, error) {
	base := s.ctxRead(ctx).Model(&BSDataStorage{})
	return listPage[BSDataStorage](base, v, "datastorage", q, page, nil, "")
}

// GetBSDataStorage returns a data storage v may see; ErrNotFound otherwise.
func (s *Store) GetBSDataStorage(ctx context.Context, v BSViewer, id string) (*BSDataStorage, error) {
	var row BSDataStorage
	if err := v.datastorages(s.ctxPrepared(ctx).Model(&BSDataStorage{})).Where("bs_datastorages.id = ?", id).Take(&row).Error; err != nil {
		return nil, notFound(err)
	}
	return &row, nil
}

// BSDataStoragesByID returns the data storages among ids that v may see, in the order of ids.
func (s *Store) BSDataStoragesByID(ctx context.Context, v BSViewer, ids []string) ([]BSDataStorage, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []BSDataStorage
	if err := v.datastorages(s.ctxPrepared(ctx).Model(&BSDataStorage{})).Where("bs_datastorages.id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	return orderByIDs(rows, ids, func(r BSDataStorage) string { return r.ID }), nil
}

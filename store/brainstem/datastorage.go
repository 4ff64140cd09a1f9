package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/store"
)

// ListDataStorages returns one page of the data storages v may see and their total.
func (s *Store) ListDataStorages(ctx context.Context, v Viewer, q ListQuery, page Page) ([]DataStorage, int64, error) {
	base := s.ctxRead(ctx).Model(&DataStorage{})
	return listPage[DataStorage](base, v, "datastorage", q, page, nil, "")
}

// GetDataStorage returns a data storage v may see; store.ErrNotFound otherwise.
func (s *Store) GetDataStorage(ctx context.Context, v Viewer, id string) (*DataStorage, error) {
	var row DataStorage
	if err := v.datastorages(s.ctxPrepared(ctx).Model(&DataStorage{})).Where("bs_datastorages.id = ?", id).Take(&row).Error; err != nil {
		return nil, store.NotFound(err)
	}
	return &row, nil
}

// DataStoragesByID returns the data storages among ids that v may see, in the order of ids.
func (s *Store) DataStoragesByID(ctx context.Context, v Viewer, ids []string) ([]DataStorage, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []DataStorage
	if err := v.datastorages(s.ctxPrepared(ctx).Model(&DataStorage{})).Where("bs_datastorages.id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	return orderByIDs(rows, ids, func(r DataStorage) string { return r.ID }), nil
}

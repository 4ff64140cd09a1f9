package brainstem

import (
	"context"
	"database/sql"

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

// DataStoragesByID returns the data storages among ids that v may see, in
// the order of ids (queryByID: the include[] of every session detail).
func (s *Store) DataStoragesByID(ctx context.Context, v Viewer, ids []string) ([]DataStorage, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.queryByID(ctx, v, "datastorage", func(Viewer) (string, []any) { return dataStorageColumns, nil }, ids)
	if err != nil {
		return nil, err
	}
	recs, err := scanRows(rows, scanDataStorage)
	if err != nil {
		return nil, err
	}
	return orderByIDs(recs, ids, func(r DataStorage) string { return r.ID }), nil
}

// dataStorageColumns are DataStorage's columns as scanDataStorage reads them.
const dataStorageColumns = "bs_datastorages.id, bs_datastorages.name, bs_datastorages.location, bs_datastorages.description, " +
	"bs_datastorages.is_public, bs_datastorages.data_organization, bs_datastorages.data_protocols, bs_datastorages.owner_id, " +
	"bs_datastorages.created_at, bs_datastorages.updated_at"

func scanDataStorage(rows *sql.Rows) (DataStorage, error) {
	var d DataStorage
	err := rows.Scan(&d.ID, &d.Name, &d.Location, &d.Description, &d.IsPublic, &d.DataOrganization, &d.DataProtocols,
		&d.OwnerID, &d.CreatedAt, &d.UpdatedAt)
	return d, err
}

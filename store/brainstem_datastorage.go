package store

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// BSDataStorageInput carries the writable data storage fields; nil means
// unchanged. JSON-valued fields are JSON text.
type BSDataStorageInput struct {
	Name             *string
	Location         *string
	Description      *string
	IsPublic         *bool
	DataOrganization *string
	DataProtocols    *string
}

const bsDataStorageNameTaken = "data storage with this name already exists."

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

// CreateBSDataStorage creates a data storage owned by the user.
func (s *Store) CreateBSDataStorage(ctx context.Context, userID uint, in BSDataStorageInput) (*BSDataStorage, error) {
	row := BSDataStorage{ID: newBSID(), OwnerID: userID, DataOrganization: "[]", DataProtocols: "[]"}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if in.Name != nil {
			if taken, err := nameTaken(tx, "bs_datastorages", *in.Name, ""); err != nil || taken {
				return orInvalid(err, "name", bsDataStorageNameTaken)
			}
		}
		applyBSDataStorageInput(&row, in)
		return uniqueName(tx.Omit(clause.Associations).Create(&row).Error, bsDataStorageNameTaken)
	})
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// UpdateBSDataStorage changes a data storage: visible ones that the user
// does not own give ErrForbidden, invisible ones ErrNotFound.
func (s *Store) UpdateBSDataStorage(ctx context.Context, userID uint, id string, in BSDataStorageInput) (*BSDataStorage, error) {
	var row *BSDataStorage
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if row, err = dataStorageForChange(tx, userID, id); err != nil {
			return err
		}
		if in.Name != nil {
			if taken, err := nameTaken(tx, "bs_datastorages", *in.Name, id); err != nil || taken {
				return orInvalid(err, "name", bsDataStorageNameTaken)
			}
		}
		if row.OwnerID != userID {
			return ErrForbidden
		}
		applyBSDataStorageInput(row, in)
		return uniqueName(tx.Omit(clause.Associations).Save(row).Error, bsDataStorageNameTaken)
	})
	if err != nil {
		return nil, err
	}
	return row, nil
}

// DeleteBSDataStorage deletes a data storage the user owns; its session
// links go with it.
func (s *Store) DeleteBSDataStorage(ctx context.Context, userID uint, id string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		row, err := dataStorageForChange(tx, userID, id)
		if err != nil {
			return err
		}
		if row.OwnerID != userID {
			return ErrForbidden
		}
		return tx.Delete(&BSDataStorage{ID: id}).Error
	})
}

func dataStorageForChange(tx *gorm.DB, userID uint, id string) (*BSDataStorage, error) {
	var row BSDataStorage
	err := (BSViewer{UserID: userID}).datastorages(tx.Model(&BSDataStorage{})).Where("bs_datastorages.id = ?", id).Take(&row).Error
	return &row, notFound(err)
}

func applyBSDataStorageInput(row *BSDataStorage, in BSDataStorageInput) {
	if in.Name != nil {
		row.Name = *in.Name
	}
	if in.Location != nil {
		row.Location = *in.Location
	}
	if in.Description != nil {
		row.Description = *in.Description
	}
	if in.IsPublic != nil {
		row.IsPublic = *in.IsPublic
	}
	if in.DataOrganization != nil {
		row.DataOrganization = *in.DataOrganization
	}
	if in.DataProtocols != nil {
		row.DataProtocols = *in.DataProtocols
	}
}

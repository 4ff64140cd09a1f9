package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// BSSessionDataStorageInput carries the writable fields of a session ↔
// data storage link; nil means unchanged.
type BSSessionDataStorageInput struct {
	SessionID     *string
	DataStorageID *string
	Order         *int
}

const bsSDSUnique = "The fields session, datastorage must make a unique set."

// ListBSSessionDataStorages returns one page of the links of sessions v may see.
func (s *Store) ListBSSessionDataStorages(ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]BSSessionDataStorage, int64, error) {
	base := s.ctxRead(ctx).Model(&BSSessionDataStorage{})
	return listPage[BSSessionDataStorage](base, v, "sessiondatastorage", q, page, nil, "")
}

// GetBSSessionDataStorage returns a link of a session v may see; ErrNotFound otherwise.
func (s *Store) GetBSSessionDataStorage(ctx context.Context, v BSViewer, id string) (*BSSessionDataStorage, error) {
	var row BSSessionDataStorage
	err := v.sessionDataStoragesByID(s.ctxRead(ctx).Model(&BSSessionDataStorage{})).Where("bs_session_datastorages.id = ?", id).Take(&row).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &row, nil
}

// CreateBSSessionDataStorage links a data storage to a session at the
// given position (default: after the last one). The user needs can_change
// on the session's projects and must own the data storage.
func (s *Store) CreateBSSessionDataStorage(ctx context.Context, userID uint, in BSSessionDataStorageInput) (*BSSessionDataStorage, error) {
	row := BSSessionDataStorage{ID: newBSID()}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := checkSDSInput(tx, userID, in); err != nil {
			return err
		}
		row.SessionID, row.DataStorageID = *in.SessionID, *in.DataStorageID
		if in.Order != nil {
			row.Order = *in.Order
		} else {
			row.Order = 0 // fn may run again (writePostgres): not the last run's position
			var last *int
			if err := tx.Model(&BSSessionDataStorage{}).Where("session_id = ?", row.SessionID).Select("MAX(sort_order)").Scan(&last).Error; err != nil {
				return err
			}
			if last != nil {
				row.Order = *last + 1
			}
		}
		return sdsUnique(tx.Omit(clause.Associations).Create(&row).Error)
	})
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// UpdateBSSessionDataStorage moves or re-points a link; the permissions of
// create apply to the link before and after the change.
func (s *Store) UpdateBSSessionDataStorage(ctx context.Context, userID uint, id string, in BSSessionDataStorageInput) (*BSSessionDataStorage, error) {
	var row BSSessionDataStorage
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := (BSViewer{UserID: userID}).sessionDataStoragesByID(tx.Model(&BSSessionDataStorage{})).
			Where("bs_session_datastorages.id = ?", id).Take(&row).Error; err != nil {
			return notFound(err)
		}
		if err := checkSDSRefs(tx, userID, in); err != nil {
			return err
		}
		moved := in.SessionID != nil && *in.SessionID != row.SessionID ||
			in.DataStorageID != nil && *in.DataStorageID != row.DataStorageID
		if moved { // the link is removed from one place and added to another
			if err := linksChangeAllowed(tx, userID, row.SessionID, []string{row.DataStorageID}); err != nil {
				return err
			}
			if err := checkSDSInput(tx, userID, in); err != nil {
				return err
			}
		} else if err := linksChangeAllowed(tx, userID, row.SessionID, nil); err != nil {
			return err // a new order needs can_change on the session only
		}
		if in.SessionID != nil {
			row.SessionID = *in.SessionID
		}
		if in.DataStorageID != nil {
			row.DataStorageID = *in.DataStorageID
		}
		if in.Order != nil {
			row.Order = *in.Order
		}
		return sdsUnique(tx.Omit(clause.Associations).Save(&row).Error)
	})
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// DeleteBSSessionDataStorage removes a link from its session.
func (s *Store) DeleteBSSessionDataStorage(ctx context.Context, userID uint, id string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var row BSSessionDataStorage
		if err := (BSViewer{UserID: userID}).sessionDataStoragesByID(tx.Model(&BSSessionDataStorage{})).
			Where("bs_session_datastorages.id = ?", id).Take(&row).Error; err != nil {
			return notFound(err)
		}
		if err := linksChangeAllowed(tx, userID, row.SessionID, []string{row.DataStorageID}); err != nil {
			return err
		}
		return tx.Delete(&BSSessionDataStorage{ID: id}).Error
	})
}

// checkSDSInput checks the references (400) and then the permissions (403)
// of adding a link between the session and data storage of the input.
func checkSDSInput(tx *gorm.DB, userID uint, in BSSessionDataStorageInput) error {
	if err := checkSDSRefs(tx, userID, in); err != nil {
		return err
	}
	sessionID, dsIDs := "", []string(nil)
	if in.SessionID != nil {
		sessionID = *in.SessionID
	}
	if in.DataStorageID != nil {
		dsIDs = []string{*in.DataStorageID}
	}
	return linksChangeAllowed(tx, userID, sessionID, dsIDs)
}

// checkSDSRefs checks that the session exists and that the data storage is
// one the user may see (400 otherwise, as for one that does not exist).
func checkSDSRefs(tx *gorm.DB, userID uint, in BSSessionDataStorageInput) error {
	errs := fieldErrors{}
	if in.SessionID != nil {
		if missing, err := missingIDs(tx, "bs_sessions", []string{*in.SessionID}); err != nil {
			return err
		} else if len(missing) > 0 {
			errs.add("session", fmt.Sprintf(bsInvalidPkTemplate, *in.SessionID))
		}
	}
	if in.DataStorageID != nil {
		if missing, err := missingVisible(tx, BSViewer{UserID: userID}, "datastorage", []string{*in.DataStorageID}); err != nil {
			return err
		} else if len(missing) > 0 {
			errs.add("datastorage", fmt.Sprintf(bsInvalidPkTemplate, *in.DataStorageID))
		}
	}
	return errs.err()
}

// linksChangeAllowed is the one rule for adding or removing links between a
// session and data storages, wherever it happens (POST, PUT, PATCH and
// DELETE of a sessiondatastorage, a session's datastorage list on create
// and update): the user needs can_change on every project of the session
// and must own every data storage whose link is added or removed. Either
// may be empty to skip it. A session the user cannot see at all is
// ErrForbidden here, since it was named in the body.
func linksChangeAllowed(tx *gorm.DB, userID uint, sessionID string, dsIDs []string) error {
	if sessionID != "" {
		var projectIDs []string
		if err := tx.Model(&BSSessionProject{}).Where("session_id = ?", sessionID).Pluck("project_id", &projectIDs).Error; err != nil {
			return err
		}
		if ok, err := canChangeAll(tx, userID, projectIDs); err != nil || !ok || len(projectIDs) == 0 {
			return orForbidden(err)
		}
	}
	if ok, err := ownsAll(tx, userID, dedupe(dsIDs)); err != nil || !ok {
		return orForbidden(err)
	}
	return nil
}

func sdsUnique(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return Invalid("non_field_errors", bsSDSUnique)
	}
	return err
}

package brainstem

import (
	"context"

	"gorm.io/gorm"

	"github.com/sessionhub/sessionhub/store"
)

const bsSDSUnique = "The fields session, datastorage must make a unique set."

// ListSessionDataStorages returns one page of the links of sessions v may see.
func (s *Store) ListSessionDataStorages(ctx context.Context, v Viewer, q ListQuery, page Page) ([]SessionDataStorage, int64, error) {
	base := s.ctxRead(ctx).Model(&SessionDataStorage{})
	return listPage[SessionDataStorage](base, v, "sessiondatastorage", q, page, nil, "")
}

// GetSessionDataStorage returns a link of a session v may see; store.ErrNotFound otherwise.
func (s *Store) GetSessionDataStorage(ctx context.Context, v Viewer, id string) (*SessionDataStorage, error) {
	var row SessionDataStorage
	err := v.sessionDataStoragesByID(s.ctxRead(ctx).Model(&SessionDataStorage{})).Where("bs_session_datastorages.id = ?", id).Take(&row).Error
	if err != nil {
		return nil, store.NotFound(err)
	}
	return &row, nil
}

// linksChangeAllowed is the one rule for adding or removing links between a
// session and data storages, wherever it happens (POST, PUT, PATCH and
// DELETE of a sessiondatastorage, a session's datastorage list on create
// and update): the user needs can_change on every project of the session
// and must own every data storage whose link is added or removed. Either
// may be empty to skip it. A session the user cannot see at all is
// store.ErrForbidden here, since it was named in the body.
func linksChangeAllowed(tx *gorm.DB, userID uint, sessionID string, dsIDs []string) error {
	if sessionID != "" {
		var projectIDs []string
		if err := tx.Model(&SessionProject{}).Where("session_id = ?", sessionID).Pluck("project_id", &projectIDs).Error; err != nil {
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

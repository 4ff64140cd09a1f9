package brainstem

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/sessionhub/sessionhub/store"
)

// SessionRecord is a session with the ids of its relations: its projects
// and its data storages in the through-table order.
type SessionRecord struct {
	Session
	ProjectIDs     []string
	DataStorageIDs []string
	// The session's modules, by order, then creation (visible with the session).
	DataAcquisitionIDs, BehaviorIDs, ManipulationIDs []string
}

var bsUnsafeStorageChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// NameUsedInStorage derives the filesystem-safe name of a session: runs of
// characters outside [A-Za-z0-9._-] become "_", leading and trailing "_", "."
// and "-" are trimmed, at most 200 characters, "session" when nothing is left.
func NameUsedInStorage(name string) string {
	s := bsUnsafeStorageChars.ReplaceAllString(name, "_")
	s = strings.Trim(s, "_.-")
	if len(s) > bsMaxStorageNameRune {
		s = strings.TrimRight(s[:bsMaxStorageNameRune], "_.-")
	}
	if s == "" {
		s = "session"
	}
	return s
}

// memoSessionSelect is bsSessionSelect through selMemo.
func memoSessionSelect(d *bsDialect, v Viewer) (string, []any) {
	return memoSelect(d, "session", v, func(v Viewer) (string, []any) { return bsSessionSelect(d, v) })
}

// bsSessionSelect reads a session with the ids of its relations that v may
// see in one statement: projects by id (the primary key's order), data
// storages in their through-table order. scanSession reads its rows.
func bsSessionSelect(d *bsDialect, v Viewer) (string, []any) {
	projects := v.visibleOne("project", "bs_session_projects.project_id")
	storages := v.visibleOne("datastorage", "bs_session_datastorages.data_storage_id")
	return sessionRowCols + ", " +
			"(SELECT " + d.jsonAgg("project_id") + " FROM bs_session_projects WHERE session_id = bs_sessions.id AND " + projects.sql + "), " +
			d.sortedIDs("data_storage_id", "bs_session_datastorages WHERE session_id = bs_sessions.id AND "+storages.sql, "sort_order, id") + ", " +
			bsModuleIDsSQL(d, "bs_dataacquisitions", "session_id", "bs_sessions.id", true) + ", " +
			bsModuleIDsSQL(d, "bs_behaviors", "session_id", "bs_sessions.id", true) + ", " +
			bsModuleIDsSQL(d, "bs_manipulations", "session_id", "bs_sessions.id", true),
		append(slices.Clip(projects.args), storages.args...)
}

// sessionRowCols are the session's own columns, in the order of
// sessionRowDest.
const sessionRowCols = "bs_sessions.id, bs_sessions.name, bs_sessions.description, bs_sessions.date_time, " +
	"bs_sessions.extra_fields, bs_sessions.download_links, bs_sessions.tags, bs_sessions.name_used_in_storage, " +
	"bs_sessions.created_at, bs_sessions.updated_at"

// sessionRowDest are the destinations of a scan of sessionRowCols into
// r, the date and time into dt (setDateTime then takes it), with room
// for the relation lists.
func sessionRowDest(r *SessionRecord, dt *sql.NullTime) []any {
	return append(make([]any, 0, 15), &r.ID, &r.Name, &r.Description, dt, &r.ExtraFields, &r.DownloadLinks,
		&r.Tags, &r.NameUsedInStorage, &r.CreatedAt, &r.UpdatedAt)
}

// setDateTime sets the date and time a scan read.
func (r *SessionRecord) setDateTime(dt sql.NullTime) {
	r.DateTime = nil
	if dt.Valid {
		t := dt.Time
		r.DateTime = &t
	}
}

func scanSession(rows *sql.Rows) (SessionRecord, error) {
	var r SessionRecord
	var projects, dss, das, behaviors, manipulations string
	var dt sql.NullTime
	if err := rows.Scan(append(sessionRowDest(&r, &dt), &projects, &dss, &das, &behaviors, &manipulations)...); err != nil {
		return r, err
	}
	r.setDateTime(dt)
	var err error
	if r.ProjectIDs, err = idList(projects); err != nil {
		return r, err
	}
	if r.DataStorageIDs, err = idList(dss); err != nil {
		return r, err
	}
	if r.DataAcquisitionIDs, err = idList(das); err != nil {
		return r, err
	}
	if r.BehaviorIDs, err = idList(behaviors); err != nil {
		return r, err
	}
	r.ManipulationIDs, err = idList(manipulations)
	return r, err
}

// ListSessions returns one page of the sessions v may see and their total.
func (s *Store) ListSessions(ctx context.Context, v Viewer, q ListQuery, page Page) ([]SessionRecord, int64, error) {
	base := s.ctxRead(ctx).Model(&Session{})
	sel, args := memoSessionSelect(s.sqlDialect(), v)
	return listPage(base, v, "session", q, page, scanSession, sel, args...)
}

// GetSession returns a session v may see; store.ErrNotFound otherwise.
func (s *Store) GetSession(ctx context.Context, v Viewer, id string) (*SessionRecord, error) {
	recs, err := s.SessionsByID(ctx, v, []string{id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, store.ErrNotFound
	}
	return &recs[0], nil
}

// SessionsByID returns the sessions among ids that v may see, in the order of ids.
func (s *Store) SessionsByID(ctx context.Context, v Viewer, ids []string) ([]SessionRecord, error) {
	return s.sessionsByID(v, ids, s.onReaders(ctx))
}

// sessionsIn is SessionsByID read in tx, a write's transaction.
func (s *Store) sessionsIn(tx *gorm.DB, v Viewer, ids []string) ([]SessionRecord, error) {
	return s.sessionsByID(v, ids, inTx(tx))
}

func (s *Store) sessionsByID(v Viewer, ids []string, run queryRunner) ([]SessionRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	d := s.sqlDialect()
	text, args, err := s.byIDQuery(v, "session", func(v Viewer) (string, []any) { return bsSessionSelect(d, v) }, ids)
	if err != nil {
		return nil, err
	}
	rows, err := run(text, args)
	if err != nil {
		return nil, err
	}
	recs, err := scanRows(rows, scanSession)
	if err != nil {
		return nil, err
	}
	return orderByIDs(recs, ids, func(r SessionRecord) string { return r.ID }), nil
}

// replaceSessionDataStorages makes want the session's list of the data
// storages userID may see, in that order. Links to storages the user may
// not see are neither shown to nor changed by them: they keep their place
// among the others. Every link added or removed passes linksChangeAllowed
// (the rule DELETE and POST of a sessiondatastorage apply); a list that
// only reorders the visible links needs can_change on the session only,
// and the list sent back as it was read changes nothing.
func replaceSessionDataStorages(tx *gorm.DB, userID uint, sessionID string, want []string) error {
	want = dedupe(want)
	var cur []SessionDataStorage
	if err := tx.Where("session_id = ?", sessionID).Order("sort_order, id").Find(&cur).Error; err != nil {
		return err
	}
	var seen []string
	if err := (Viewer{UserID: userID}).datastorages(tx.Model(&DataStorage{})).
		Where("bs_datastorages.id IN (SELECT data_storage_id FROM bs_session_datastorages WHERE session_id = ?)", sessionID).
		Pluck("bs_datastorages.id", &seen).Error; err != nil {
		return err
	}
	visible := make(map[string]bool, len(seen))
	for _, id := range seen {
		visible[id] = true
	}
	var shown []string
	byStorage := map[string]SessionDataStorage{}
	for _, l := range cur {
		byStorage[l.DataStorageID] = l
		if visible[l.DataStorageID] {
			shown = append(shown, l.DataStorageID)
		}
	}
	if slices.Equal(want, shown) {
		return nil
	}
	var changed []string
	for _, id := range shown {
		if !slices.Contains(want, id) {
			changed = append(changed, id)
		}
	}
	for _, id := range want {
		if _, ok := byStorage[id]; !ok {
			changed = append(changed, id)
		}
	}
	if err := linksChangeAllowed(tx, userID, sessionID, changed); err != nil {
		return err
	}
	// The new order: the hidden links where they were, the visible slots
	// filled with want in order, the rest of want at the end.
	var order []string
	next := 0
	for _, l := range cur {
		switch {
		case !visible[l.DataStorageID]:
			order = append(order, l.DataStorageID)
		case next < len(want):
			order = append(order, want[next])
			next++
		}
	}
	order = append(order, want[next:]...)
	for _, id := range changed {
		if l, ok := byStorage[id]; ok {
			if err := tx.Delete(&SessionDataStorage{ID: l.ID}).Error; err != nil {
				return err
			}
		}
	}
	for i, id := range order {
		l, ok := byStorage[id]
		if !ok {
			l = SessionDataStorage{ID: newID(), SessionID: sessionID, DataStorageID: id, Order: i}
			if err := tx.Omit(clause.Associations).Create(&l).Error; err != nil {
				return err
			}
			continue
		}
		if l.Order != i {
			if err := tx.Model(&SessionDataStorage{}).Where("id = ?", l.ID).Update("sort_order", i).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

func setSessionDataStorages(tx *gorm.DB, sessionID string, dsIDs []string) error {
	ids := dedupe(dsIDs)
	if len(ids) == 0 {
		return nil
	}
	rows := make([]SessionDataStorage, len(ids))
	for i, d := range ids {
		rows[i] = SessionDataStorage{ID: newID(), SessionID: sessionID, DataStorageID: d, Order: i}
	}
	return tx.Omit(clause.Associations).Create(&rows).Error
}

// orForbidden returns err, or store.ErrForbidden when err is nil.
func orForbidden(err error) error {
	if err != nil {
		return err
	}
	return store.ErrForbidden
}

// orderByIDs returns recs in the order of ids (missing ones skipped).
func orderByIDs[T any](recs []T, ids []string, id func(T) string) []T {
	byID := make(map[string]T, len(recs))
	for _, r := range recs {
		byID[id(r)] = r
	}
	out := make([]T, 0, len(recs))
	for _, i := range ids {
		if r, ok := byID[i]; ok {
			out = append(out, r)
			delete(byID, i)
		}
	}
	return out
}

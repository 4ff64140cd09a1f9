package brainstem

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/sessionhub/sessionhub/store"
)

// Viewer is who reads or writes BrainSTEM records: a signed-in user on the
// private portal, or anyone (UserID possibly 0) on the read-only public portal.
type Viewer struct {
	UserID uint
	Public bool
}

// Page is a window of a list.
type Page struct{ Limit, Offset int }

// Visibility: what a viewer may see of each model, defined once here.
//
//   - public portal: public projects, the sessions and subjects of public
//     projects, public data storages;
//   - private portal: the projects the user is a member of, the sessions
//     and subjects of those projects, the data storages the user owns or
//     that are public;
//   - collections, cohorts and breedings: those of the visible projects
//     (their sessions, subjects and parents: the visible ones);
//   - species, strains and suppliers, the resources and the taxonomies
//     (global tables): every row, everywhere;
//   - the personal attributes (setup, behavioral assay, license,
//     inventory): like data storages, the owner's and the public ones
//     (attributes.go);
//   - sessiondatastorage (the session ↔ data storage link): both ends
//     visible. A link to a storage the viewer may not see is not shown,
//     neither as a row nor as an id in a session's datastorage list.
//
// visible is used by the list queries, the lookups by id, the related-id
// lists of records and every relation hop of the query compiler, so that a
// filter, a count or an embedded record can only ever see the visible
// subset. The conditions are uncorrelated IN subqueries (or column tests):
// they nest at any depth of a filter, are computed once per statement and
// never duplicate rows.
const (
	// bsViewerID is the viewer's user id in the visibility conditions: a
	// bound parameter, but behind a CAST. SQLite (3.54, as bundled by the
	// driver) marks a bare `col = ?` of a join or of an ordered query
	// "re-prepare when rebound" (the planner guesses a term's selectivity
	// from a bound 0 or 1), and the driver clears the bindings before
	// each execution, which expires every statement so marked: each
	// read re-parsed and re-planned its statement, 6x the cost of the
	// session detail's statement (bench/README.md, issue 15). `CAST(? AS
	// BIGINT)` is not a bare parameter, so nothing is marked; the index
	// on the column is used as before, and PostgreSQL reads it alike.
	bsViewerID       = "CAST(? AS BIGINT)"
	bsMemberProjects = "SELECT project_id FROM bs_project_members WHERE user_id = " + bsViewerID
	bsPublicProjects = "SELECT id FROM bs_projects WHERE is_public = TRUE"
)

// viaProjects is the visibility of a model linked to projects through
// link (session, subject): `outer IN (SELECT src FROM link WHERE
// project_id IN (<the viewer's or the public projects>))`.
//
// Its EXISTS form, for the checks of one row (lookups by id, relation
// lists), joins the link to the projects: `EXISTS (SELECT 1 FROM link
// JOIN <members or public projects> ON … WHERE link.src = outer AND …)`.
// Written as `project_id IN (<the viewer's projects>)` SQLite walks the
// viewer's project list and probes the link once per project (50 probes
// for a member of 50 projects); joined, it reads the row's few links and
// probes each once. On the bench's graph a data acquisition by id cost
// ~107 µs the first way, ~29 µs this way.
func viaProjects(outer, src, link string) func(Viewer) []bsCond {
	return func(v Viewer) []bsCond {
		if v.Public {
			c := inSub(outer, src, link, "project_id IN ("+bsPublicProjects+")")
			c.exists = fmt.Sprintf("EXISTS (SELECT 1 FROM %s vl JOIN bs_projects vp ON vp.id = vl.project_id "+
				"WHERE vl.%s = %s AND vp.is_public = TRUE)", link, src, outer)
			c.projectLink = outer + " = " + link + "." + src
			return []bsCond{c}
		}
		c := inSub(outer, src, link, "project_id IN ("+bsMemberProjects+")", v.UserID)
		c.exists = fmt.Sprintf("EXISTS (SELECT 1 FROM %s vl JOIN bs_project_members vm ON vm.project_id = vl.project_id "+
			"WHERE vl.%s = %s AND vm.user_id = %s)", link, src, outer, bsViewerID)
		c.projectLink = outer + " = " + link + "." + src
		return []bsCond{c}
	}
}

// inProject is the visibility of a model with one project (collection,
// cohort, breeding) or of a project itself (col its id).
func inProject(col string) func(Viewer) []bsCond {
	return func(v Viewer) []bsCond {
		if v.Public {
			return []bsCond{inSub(col, "id", "bs_projects", "is_public = TRUE")}
		}
		return []bsCond{inSub(col, "project_id", "bs_project_members", "user_id = "+bsViewerID, v.UserID)}
	}
}

// Plain conditions.
const (
	bsProjectPublicSQL     = "bs_projects.is_public = TRUE"
	bsDataStorageOwnSQL    = "(bs_datastorages.owner_id = " + bsViewerID + " OR bs_datastorages.is_public = TRUE)"
	bsDataStoragePublicSQL = "bs_datastorages.is_public = TRUE"
	// A session ↔ data storage link's session visibility as a correlated
	// EXISTS, for lookups by id.
	bsSDSMemberOneSQL = "EXISTS (SELECT 1 FROM bs_session_projects sp JOIN bs_project_members m ON m.project_id = sp.project_id " +
		"WHERE sp.session_id = bs_session_datastorages.session_id AND m.user_id = " + bsViewerID + ")"
	bsSDSPublicOneSQL = "EXISTS (SELECT 1 FROM bs_session_projects sp JOIN bs_projects p ON p.id = sp.project_id " +
		"WHERE sp.session_id = bs_session_datastorages.session_id AND p.is_public = TRUE)"
	bsEveryRow           = "TRUE"
	bsInvalidPkTemplate  = "Invalid pk \"%s\" - object does not exist."
	bsPermissionMessage  = "You do not have permission to perform this action."
	bsMaxStorageNameRune = 200
)

// visible returns the conditions (to be ANDed), on the table of model,
// that select the rows v may see: the model's scope in the registry. A
// model without one sees nothing (TestVisibilityCoversEveryModel fails).
func (v Viewer) visible(model string) []bsCond {
	if m := bsRegistry[model]; m != nil && m.visible != nil {
		return m.visible(v)
	}
	return []bsCond{{sql: "FALSE"}}
}

// visibleSQL is visible as one condition.
func (v Viewer) visibleSQL(model string) bsCond {
	return andConds(v.visible(model))
}

// visibleIDs is `SELECT <table>.id FROM <table> WHERE <visible>`: the ids
// of model that v may see, for an IN (…).
func (v Viewer) visibleIDs(model string) bsCond {
	m := bsModels[model]
	c := v.visibleSQL(model)
	return bsCond{sql: fmt.Sprintf("SELECT %s FROM %s WHERE %s", m.pk(), m.table, c.sql), args: c.args}
}

// andConds joins conditions with AND, each parenthesised.
func andConds(cs []bsCond) bsCond {
	var out bsCond
	for i, c := range cs {
		if i > 0 {
			out.sql += " AND "
		}
		out.sql += "(" + c.sql + ")"
		out.args = append(out.args, c.args...)
	}
	return out
}

// where adds the conditions of model's visibility to db, one WHERE term each
// (for lookups by id and the related-id lists), in their correlated EXISTS
// form where they have one: checking a few rows found by id is then an
// index probe each, where the IN form materialised every visible id first
// (a module of a session by id: the 5,000 to 10,000 sessions a bench member
// sees, ~5 ms a query).
func (v Viewer) where(db *gorm.DB, model string) *gorm.DB {
	for _, c := range v.visible(model) {
		if c.exists != "" {
			db = db.Where(c.exists, c.args...)
			continue
		}
		db = db.Where(c.sql, c.args...)
	}
	return db
}

// sessionDataStoragesByID is the visibility of session ↔ data storage
// links, for lookups by id.
func (v Viewer) sessionDataStoragesByID(db *gorm.DB) *gorm.DB {
	storage := v.visible("sessiondatastorage")[1]
	if v.Public {
		return db.Where(bsSDSPublicOneSQL).Where(storage.sql, storage.args...)
	}
	return db.Where(bsSDSMemberOneSQL, v.UserID).Where(storage.sql, storage.args...)
}

func (v Viewer) datastorages(db *gorm.DB) *gorm.DB { return v.where(db, "datastorage") }

// newID returns a random (version 4) UUID string.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// listPage runs the count and the page of q, a list query of model for
// v, on base (a query on the model's table). scan reads one row of the
// page query (nil: GORM's Find into T); sel, if not empty, is its column
// list with selArgs for its placeholders.
func listPage[T any](base *gorm.DB, v Viewer, model string, q ListQuery, page Page, scan func(*sql.Rows) (T, error), sel string, selArgs ...any) ([]T, int64, error) {
	c, err := compileQuery(bsDialectOf(base), v, model, q)
	if err != nil {
		return nil, 0, err
	}
	for _, w := range c.where {
		base = base.Where(w.sql, w.args...)
	}
	var n int64
	countQ := base.Session(&gorm.Session{})
	pageQ := base.Session(&gorm.Session{})
	for _, o := range c.order {
		pageQ = pageQ.Order(o)
	}
	if scan != nil && sel != "" {
		return pageByIDs(countQ, pageQ, c.byLink, v, model, c.order, page, scan, sel, selArgs...)
	}
	if sel != "" {
		pageQ = pageQ.Select(sel, selArgs...)
	}
	if err := countQ.Count(&n).Error; err != nil {
		return nil, 0, err
	}
	out := []T{}
	if int64(page.Offset) >= n {
		return out, n, nil
	}
	pageQ = pageQ.Limit(page.Limit).Offset(page.Offset)
	if scan == nil {
		err := pageQ.Find(&out).Error
		return out, n, err
	}
	out, err = scanAll(pageQ, scan)
	return out, n, err
}

// scanAll runs a query and reads its rows with scan (no reflection: record
// pages and detail lookups run on every request).
func scanAll[T any](db *gorm.DB, scan func(*sql.Rows) (T, error)) ([]T, error) {
	rows, err := db.Rows()
	if err != nil {
		return nil, err
	}
	return scanRows(rows, scan)
}

// pageByIDs is listPage for a column list sel with its own subqueries
// (the relation lists): one pass over the matching rows finds the page's
// ids and the total together (COUNT(*) OVER ()), and sel is computed for
// the page's rows only, found again by id under v's visibility. Counting
// and paging separately filtered every matching row twice, and computing
// sel in the paging query computed it for every matching row before the
// sort kept a page: the bench's filtered list (a project's 100 sessions,
// a page of 20) cost ~2.1 ms of SQLite that way, ~1.1 ms this way.
// Past the last row the page is empty and the total is counted alone.
// With link set, the ids and the total come from the link table alone.
func pageByIDs[T any](countQ, pageQ *gorm.DB, link *bsLinkPage, v Viewer, model string, order []string, page Page, scan func(*sql.Rows) (T, error), sel string, selArgs ...any) ([]T, int64, error) {
	m := bsModels[model]
	pk := m.pk()
	idQ := pageQ.Select(pk + ", COUNT(*) OVER ()")
	if link != nil {
		idQ = countQ.Session(&gorm.Session{NewDB: true}).Table(link.table).
			Select(link.id+", COUNT(*) OVER ()").Where(link.where.sql, link.where.args...)
		for _, o := range link.order {
			idQ = idQ.Order(o)
		}
	}
	rows, err := idQ.Limit(page.Limit).Offset(page.Offset).Rows()
	if err != nil {
		return nil, 0, err
	}
	var ids []any
	var n int64
	for rows.Next() {
		var id any
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if b, ok := id.([]byte); ok {
			id = string(b)
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, 0, err
	}
	out := []T{}
	if len(ids) == 0 {
		err := countQ.Count(&n).Error
		return out, n, err
	}
	plain := countQ.Session(&gorm.Session{NewDB: true}).Table(m.table) // the same pool and context, no conditions
	recQ := v.where(plain, model).Select(sel, selArgs...).Where(pk+" IN ?", ids)
	for _, o := range order {
		recQ = recQ.Order(o)
	}
	out, err = scanAll(recQ, scan)
	return out, n, err
}

// memberRoles returns the caller's membership rows for the given projects,
// keyed by project id.
func memberRoles(tx *gorm.DB, userID uint, projectIDs []string) (map[string]ProjectMember, error) {
	out := map[string]ProjectMember{}
	if len(projectIDs) == 0 {
		return out, nil
	}
	var rows []ProjectMember
	err := tx.Where("user_id = ? AND project_id IN ?", userID, projectIDs).Find(&rows).Error
	for _, r := range rows {
		out[r.ProjectID] = r
	}
	return out, err
}

// canChangeAll reports whether the user has can_change (or is manager or
// owner) on every one of the projects.
func canChangeAll(tx *gorm.DB, userID uint, projectIDs []string) (bool, error) {
	roles, err := memberRoles(tx, userID, projectIDs)
	if err != nil {
		return false, err
	}
	for _, id := range projectIDs {
		r, ok := roles[id]
		if !ok || !(r.CanChange || r.IsManager || r.IsOwner) {
			return false, nil
		}
	}
	return true, nil
}

// canChangeLinked is canChangeAll for the projects that record id is
// linked to through f (a to-many scope field), in one query.
func canChangeLinked(tx *gorm.DB, userID uint, f *Field, id string) (bool, error) {
	text := bsDialectOf(tx).numbered(fmt.Sprintf(`SELECT COUNT(*) FROM %[1]s l WHERE l.%[2]s = ? AND NOT EXISTS (
		SELECT 1 FROM bs_project_members m WHERE m.project_id = l.%[3]s AND m.user_id = ?
		AND (m.can_change OR m.is_manager OR m.is_owner))`, f.Link, f.LinkSrc, f.LinkDst))
	var denied int64
	if err := tx.Statement.ConnPool.QueryRowContext(tx.Statement.Context, text, id, userID).Scan(&denied); err != nil {
		return false, err
	}
	return denied == 0, nil
}

// missingIDs returns the ids (in input order) that have no row in table.
func missingIDs(tx *gorm.DB, table string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var found []string
	if err := tx.Table(table).Where("id IN ?", ids).Pluck("id", &found).Error; err != nil {
		return nil, err
	}
	var missing []string
	for _, id := range ids {
		if !slices.Contains(found, id) {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// missingVisible returns the ids (in input order) of model that v may not
// see, whether or not they exist: a reference to them is answered like one
// to a record that does not exist.
func missingVisible(tx *gorm.DB, v Viewer, model string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	m := bsModels[model]
	var found []string
	if err := v.where(tx.Table(m.table), model).Where(m.pk()+" IN ?", ids).Pluck(m.pk(), &found).Error; err != nil {
		return nil, err
	}
	var missing []string
	for _, id := range ids {
		if !slices.Contains(found, id) {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// ownsAll reports whether every data storage in ids belongs to the user.
func ownsAll(tx *gorm.DB, userID uint, ids []string) (bool, error) {
	if len(ids) == 0 {
		return true, nil
	}
	var n int64
	err := tx.Model(&DataStorage{}).Where("id IN ? AND owner_id = ?", ids, userID).Count(&n).Error
	return n == int64(len(ids)), err
}

// fieldErrors collects per-field messages.
type fieldErrors map[string][]string

func (f fieldErrors) add(field, msg string) { f[field] = append(f[field], msg) }

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &store.ValidationError{Fields: f}
}

// nameTaken reports whether another row of table already uses name.
func nameTaken(tx *gorm.DB, table, name, exceptID string) (bool, error) {
	var n int64
	err := tx.Table(table).Where("name = ? AND id <> ?", name, exceptID).Count(&n).Error
	return n > 0, err
}

// uniqueName turns a unique-index race into the DRF field message.
func uniqueName(err error, msg string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return store.Invalid("name", msg)
	}
	return err
}

// dedupe returns ids without repeats, keeping the first occurrence.
func dedupe(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// jsonText renders v as JSON text for a JSON column.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// sqlDialect is the dialect of the store's database, for the SQL of record
// reads.
func (s *Store) sqlDialect() *bsDialect { return bsDialectOf(s.core.R) }

// ctxRead and ctxWrite keep the call sites short.
func (s *Store) ctxRead(ctx context.Context) *gorm.DB { return s.core.R.WithContext(ctx) }

// ctxPrepared is ctxRead with prepared statements (GORM keeps one LRU of
// them per pool), for the few fixed-shape lookups on every detail request;
// list queries, whose SQL varies with the filters, are not cached.
func (s *Store) ctxPrepared(ctx context.Context) *gorm.DB {
	return s.core.R.Session(&gorm.Session{PrepareStmt: true, Context: ctx})
}

// idList decodes a JSON array of ids built by bsDialect.jsonAgg. Ids have
// no escapes, so the common case is split by hand; anything else goes
// through encoding/json.
func idList(text string) ([]string, error) {
	out := []string{}
	if text == "" || text == "[]" {
		return out, nil
	}
	if len(text) > 4 && text[0] == '[' && text[len(text)-1] == ']' && !strings.Contains(text, `\`) {
		for _, part := range strings.Split(text[1:len(text)-1], ",") {
			if len(part) < 2 || part[0] != '"' || part[len(part)-1] != '"' {
				out = nil
				break
			}
			out = append(out, part[1:len(part)-1])
		}
		if out != nil {
			return out, nil
		}
		out = []string{}
	}
	err := json.Unmarshal([]byte(text), &out)
	return out, err
}

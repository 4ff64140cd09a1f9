package brainstem

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/sessionhub/sessionhub/store"
)

// Member is one member of a project as the API shows it.
type Member struct {
	Email     string
	CanChange bool
	IsManager bool
	IsOwner   bool
}

// ProjectRecord is a project with the ids of its sessions, subjects,
// collections and cohorts, and its members.
type ProjectRecord struct {
	Project
	SessionIDs    []string
	SubjectIDs    []string
	CollectionIDs []string
	CohortIDs     []string
	Members       []Member
}

// MemberChange adds, changes (missing flags are false) or removes a member.
type MemberChange struct {
	Email                         string
	CanChange, IsManager, IsOwner bool
	Remove                        bool
}

const bsProjectNameTaken = "project with this name already exists."

// bsProjectSelect reads a project with its session and subject ids (in
// the covering indexes' order) and its members in one statement. The ids
// need no visibility condition: whoever may see a project may see all its
// sessions and subjects (visible through any visible project they are in); the members are sorted
// by e-mail in Go (an ORDER BY in the aggregate costs a sorter per row).
// scanProject reads its rows.
func bsProjectSelect(d *bsDialect) string {
	return "bs_projects.id, bs_projects.name, bs_projects.description, bs_projects.extra_fields, " +
		"bs_projects.is_public, bs_projects.tags, bs_projects.publications, bs_projects.created_at, bs_projects.updated_at, " +
		"(SELECT " + d.jsonAgg("session_id") + " FROM bs_session_projects WHERE project_id = bs_projects.id), " +
		"(SELECT " + d.jsonAgg("subject_id") + " FROM bs_subject_projects WHERE project_id = bs_projects.id), " +
		"(SELECT " + d.jsonAgg("id") + " FROM bs_collections WHERE project_id = bs_projects.id), " +
		"(SELECT " + d.jsonAgg("id") + " FROM bs_cohorts WHERE project_id = bs_projects.id), " +
		d.sortedRows([]string{"u.email", "m.can_change", "m.is_manager", "m.is_owner"},
			"bs_project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = bs_projects.id", "u.email")
}

func scanProject(rows *sql.Rows) (ProjectRecord, error) {
	var r ProjectRecord
	var sessions, subjects, collections, cohorts, members string
	err := rows.Scan(&r.ID, &r.Name, &r.Description, &r.ExtraFields, &r.IsPublic, &r.Tags, &r.Publications,
		&r.CreatedAt, &r.UpdatedAt, &sessions, &subjects, &collections, &cohorts, &members)
	if err != nil {
		return r, err
	}
	if r.SessionIDs, err = idList(sessions); err != nil {
		return r, err
	}
	if r.SubjectIDs, err = idList(subjects); err != nil {
		return r, err
	}
	if r.CollectionIDs, err = idList(collections); err != nil {
		return r, err
	}
	if r.CohortIDs, err = idList(cohorts); err != nil {
		return r, err
	}
	var rows2 [][]any
	if err := json.Unmarshal([]byte(members), &rows2); err != nil {
		return r, err
	}
	for _, m := range rows2 {
		if len(m) != 4 {
			return r, fmt.Errorf("project %s: bad member row %v", r.ID, m)
		}
		email, _ := m[0].(string)
		r.Members = append(r.Members, Member{Email: email, CanChange: jsonTrue(m[1]), IsManager: jsonTrue(m[2]), IsOwner: jsonTrue(m[3])})
	}
	return r, nil
}

// ListProjects returns one page of the projects v may see and their total.
func (s *Store) ListProjects(ctx context.Context, v Viewer, q ListQuery, page Page) ([]ProjectRecord, int64, error) {
	base := s.ctxRead(ctx).Model(&Project{})
	return listPage(base, v, "project", q, page, scanProject, bsProjectSelect(s.sqlDialect()))
}

// GetProject returns a project v may see; store.ErrNotFound otherwise.
func (s *Store) GetProject(ctx context.Context, v Viewer, id string) (*ProjectRecord, error) {
	recs, err := s.ProjectsByID(ctx, v, []string{id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, store.ErrNotFound
	}
	return &recs[0], nil
}

// ProjectsByID returns the projects among ids that v may see, in the order of ids.
func (s *Store) ProjectsByID(ctx context.Context, v Viewer, ids []string) ([]ProjectRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	d := s.sqlDialect()
	rows, err := s.queryByID(ctx, v, "project", func(Viewer) (string, []any) { return bsProjectSelect(d), nil }, ids)
	if err != nil {
		return nil, err
	}
	recs, err := scanRows(rows, scanProject)
	if err != nil {
		return nil, err
	}
	return orderByIDs(recs, ids, func(r ProjectRecord) string { return r.ID }), nil
}

// jsonTrue reads a boolean of bsDialect.jsonRow decoded from JSON (0/1 on
// SQLite, false/true on PostgreSQL).
func jsonTrue(v any) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	f, ok := v.(float64)
	return ok && f != 0
}

// memberUsers resolves the e-mails of member changes; unknown ones become
// field errors on "users".
func memberUsers(tx *gorm.DB, changes []MemberChange, errs fieldErrors) (map[string]uint, error) {
	out := map[string]uint{}
	for _, c := range changes {
		var u store.User
		err := tx.Where("email = ?", store.NormalizeEmail(c.Email)).Take(&u).Error
		if err != nil {
			if err = store.NotFound(err); err == store.ErrNotFound {
				errs.add("users", fmt.Sprintf("User with email \"%s\" does not exist.", c.Email))
				continue
			}
			return nil, err
		}
		out[c.Email] = u.ID
	}
	return out, nil
}

// applyMemberChanges applies member changes by a manager or owner; only
// owners may grant or take the owner flag, and a project keeps an owner.
// Entries that change nothing (a record sent back as it was read, e.g. a
// full PUT) need no role.
func applyMemberChanges(tx *gorm.DB, projectID string, role *ProjectMember, changes []MemberChange, users map[string]uint) error {
	for _, c := range changes {
		uid := users[c.Email]
		var cur ProjectMember
		err := tx.Where("project_id = ? AND user_id = ?", projectID, uid).Take(&cur).Error
		exists := err == nil
		if err != nil && store.NotFound(err) != store.ErrNotFound {
			return err
		}
		if (c.Remove && !exists) || (!c.Remove && exists &&
			c.CanChange == cur.CanChange && c.IsManager == cur.IsManager && c.IsOwner == cur.IsOwner) {
			continue
		}
		if !(role.IsManager || role.IsOwner) {
			return store.ErrForbidden
		}
		touchesOwner := c.IsOwner || (exists && cur.IsOwner)
		if touchesOwner && !role.IsOwner && (c.Remove || c.IsOwner != cur.IsOwner) {
			return store.ErrForbidden
		}
		if c.Remove {
			if exists {
				if err := tx.Delete(&cur).Error; err != nil {
					return err
				}
			}
			continue
		}
		m := ProjectMember{ProjectID: projectID, UserID: uid, CanChange: c.CanChange, IsManager: c.IsManager, IsOwner: c.IsOwner}
		if err := tx.Omit(clause.Associations).Save(&m).Error; err != nil {
			return err
		}
	}
	var owners int64
	if err := tx.Model(&ProjectMember{}).Where("project_id = ? AND is_owner = TRUE", projectID).Count(&owners).Error; err != nil {
		return err
	}
	if owners == 0 {
		return store.Invalid("users", "A project must keep at least one owner.")
	}
	return nil
}

// orInvalid returns err, or a field error when err is nil.
func orInvalid(err error, field, msg string) error {
	if err != nil {
		return err
	}
	return store.Invalid(field, msg)
}

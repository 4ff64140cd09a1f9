package brainstem

import (
	"strings"

	"gorm.io/gorm/clause"

	"github.com/sessionhub/sessionhub/store"
)

// The models' own write rules, as hooks on their descriptors around the
// generic write path (write.go). A model with ordinary fields
// (collection, cohort, …) has none.

func init() {
	bsRegistry["session"].hooks = sessionHooks
	bsRegistry["project"].hooks = projectHooks
	bsRegistry["sessiondatastorage"].hooks = sdsHooks
	bsRegistry["subject"].hooks = bsHooks{before: refusedIfReferenced("bs_breedings", "mother_id", "father_id")}
	bsRegistry["breeding"].hooks = bsHooks{before: breedingBefore}
	bsRegistry["species"].hooks = bsHooks{before: refusedIfReferenced("bs_strains", "species_id")}
	bsRegistry["strain"].hooks = bsHooks{before: refusedIfReferenced("bs_subjects", "strain_id")}
	bsRegistry["supplier"].hooks = bsHooks{check: supplierCheck, before: refuseReferenced} // subjects, devices, consumables
}

// refusedIfReferenced refuses to delete a record that a row of table names
// in one of cols (ErrReferenced).
func refusedIfReferenced(table string, cols ...string) func(w *bsWrite) error {
	return func(w *bsWrite) error {
		if w.op != opDelete {
			return nil
		}
		q := w.tx.Table(table)
		for i, c := range cols {
			if i == 0 {
				q = q.Where(c+" = ?", w.id)
			} else {
				q = q.Or(c+" = ?", w.id)
			}
		}
		var n int64
		if err := q.Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrReferenced
		}
		return nil
	}
}

// ---- session: its datastorage list is the ordered link table ----

// sessionHooks: the name used in storage follows the name; the datastorage
// list is written through the sessiondatastorage rows under the one link
// rule (linksChangeAllowed).
var sessionHooks = bsHooks{
	own: []string{"datastorage"},
	authorize: func(w *bsWrite) error {
		if w.op != opCreate { // on update, replaceSessionDataStorages checks the links that change
			return nil
		}
		ds, _ := w.set["datastorage"].([]string)
		return linksChangeAllowed(w.tx, w.userID, "", ds)
	},
	before: func(w *bsWrite) error {
		if w.op == opDelete {
			return nil
		}
		if name, ok := w.set["name"]; ok {
			w.cols["name_used_in_storage"] = NameUsedInStorage(textOf(name))
		}
		if ds, ok := w.set["datastorage"].([]string); ok && w.op == opUpdate {
			return replaceSessionDataStorages(w.tx, w.userID, w.id, ds)
		}
		return nil
	},
	after: func(w *bsWrite) error {
		if w.op != opCreate {
			return nil
		}
		ds, _ := w.set["datastorage"].([]string)
		return setSessionDataStorages(w.tx, w.id, ds)
	},
}

// ---- project: members and roles ----

// projectWrite is what the project hooks pass between steps.
type projectWrite struct {
	role     ProjectMember
	changes  []MemberChange
	users    map[string]uint
	sessions []string // of a deleted project
}

func projectState(w *bsWrite) *projectWrite {
	if w.state == nil {
		w.state = &projectWrite{}
	}
	return w.state.(*projectWrite)
}

// projectHooks: the creator is the owner and only member; field changes
// need can_change, member changes manager or owner, is_public and the
// owner flag owner; delete needs owner and takes the sessions left without
// a project with it. Members are changed on update only (Change.Extra
// "users": []MemberChange).
var projectHooks = bsHooks{
	check: func(w *bsWrite, errs fieldErrors) error {
		if w.op != opUpdate {
			return nil
		}
		p := projectState(w)
		p.changes, _ = w.extra["users"].([]MemberChange)
		var err error
		p.users, err = memberUsers(w.tx, p.changes, errs)
		return err
	},
	authorize: func(w *bsWrite) error {
		if w.op == opCreate {
			return nil
		}
		p := projectState(w)
		if err := w.tx.Where("project_id = ? AND user_id = ?", w.id, w.userID).Take(&p.role).Error; err != nil {
			return store.NotFound(err)
		}
		role := p.role
		if w.op == opDelete {
			if !role.IsOwner {
				return store.ErrForbidden
			}
			return nil
		}
		if !(role.CanChange || role.IsManager || role.IsOwner) {
			return store.ErrForbidden
		}
		if v, ok := w.set["is_public"]; ok && truthy(v) != truthy(w.cur["is_public"]) && !role.IsOwner {
			return store.ErrForbidden
		}
		return nil
	},
	before: func(w *bsWrite) error {
		if w.op != opDelete {
			return nil
		}
		return w.tx.Model(&SessionProject{}).Where("project_id = ?", w.id).Pluck("session_id", &projectState(w).sessions).Error
	},
	after: func(w *bsWrite) error {
		p := projectState(w)
		switch w.op {
		case opCreate:
			return w.tx.Omit(clause.Associations).Create(&ProjectMember{ProjectID: w.id, UserID: w.userID,
				CanChange: true, IsManager: true, IsOwner: true}).Error
		case opUpdate:
			if len(p.changes) > 0 {
				return applyMemberChanges(w.tx, w.id, &p.role, p.changes, p.users)
			}
		case opDelete:
			if len(p.sessions) > 0 {
				return w.tx.Where("id IN ? AND id NOT IN (SELECT session_id FROM bs_session_projects)", p.sessions).Delete(&Session{}).Error
			}
		}
		return nil
	},
}

// ---- sessiondatastorage: the link rule ----

// sdsHooks: adding or removing a link needs can_change on the session and
// ownership of the data storage (linksChangeAllowed); a new order alone
// needs can_change on the session; a link without an order goes last.
var sdsHooks = bsHooks{
	duplicate: store.Invalid("non_field_errors", bsSDSUnique),
	authorize: func(w *bsWrite) error {
		session, ds := w.set["session"], w.set["datastorage"]
		switch w.op {
		case opCreate:
			return linksChangeAllowed(w.tx, w.userID, textOf(session), []string{textOf(ds)})
		case opDelete:
			return linksChangeAllowed(w.tx, w.userID, textOf(w.cur["session_id"]), []string{textOf(w.cur["data_storage_id"])})
		}
		curSession, curDS := textOf(w.cur["session_id"]), textOf(w.cur["data_storage_id"])
		moved := session != nil && textOf(session) != curSession || ds != nil && textOf(ds) != curDS
		if !moved {
			return linksChangeAllowed(w.tx, w.userID, curSession, nil)
		}
		// the link is removed from one place and added to another
		if err := linksChangeAllowed(w.tx, w.userID, curSession, []string{curDS}); err != nil {
			return err
		}
		var added []string
		if ds != nil {
			added = []string{textOf(ds)}
		}
		return linksChangeAllowed(w.tx, w.userID, textOf(session), added)
	},
	before: func(w *bsWrite) error {
		if _, ok := w.set["order"]; ok || w.op != opCreate {
			return nil
		}
		var last *int
		if err := w.tx.Model(&SessionDataStorage{}).Where("session_id = ?", textOf(w.set["session"])).
			Select("MAX(sort_order)").Scan(&last).Error; err != nil {
			return err
		}
		w.cols["sort_order"] = 0
		if last != nil {
			w.cols["sort_order"] = *last + 1
		}
		return nil
	},
}

// ---- breeding: deleting it clears the breeding of its offspring ----

func breedingBefore(w *bsWrite) error {
	if w.op != opDelete {
		return nil
	}
	return w.tx.Model(&Subject{}).Where("breeding_id = ?", w.id).Update("breeding_id", nil).Error
}

// ---- supplier: the website is a URL ----

// supplierCheck gives a website without a scheme http:// and refuses one
// longer than 200 characters.
func supplierCheck(w *bsWrite, errs fieldErrors) error {
	v, ok := w.set["website"]
	if !ok {
		return nil
	}
	site := strings.TrimSpace(textOf(v))
	if site != "" && !strings.Contains(site, "://") {
		site = "http://" + site
	}
	if len([]rune(site)) > 200 {
		errs.add("website", bsWebsiteTooLong)
	}
	w.set["website"] = site
	return nil
}

package brainstem

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"time"

	"github.com/sessionhub/sessionhub/store"
)

// The logs (docs/api/modules/procedurelog.md, subjectlog.md of
// brainstem-org/brainstem_support): a procedure log belongs to a procedure,
// a subject log to a subject; each holds a list of entries, changed only by
// the add_entry, change_entry and remove_entry actions. Permissions follow
// the subject's projects (a procedure log's through its procedure's
// subject): who may see the subject sees its logs; can_change on every
// project of the subject is needed to write them. They are read like the
// modules (ModuleRecord) and written by the generic path
// (write.go) with the hooks below; deleting the procedure or the
// subject deletes its logs.

// ProcedureLog is a log of a procedure; Entries is its JSON list of
// entries (LogEntry), newest first.
type ProcedureLog struct {
	ID          string    `gorm:"primaryKey;type:text"`
	Type        string    `gorm:"not null;index"`
	Description *string   `gorm:"column:description"`
	ProcedureID string    `gorm:"type:text;not null;index"`
	Procedure   Procedure `gorm:"constraint:OnDelete:CASCADE"`
	Entries     string    `gorm:"not null;default:'[]'"`
	CreatedAt   time.Time `gorm:"index"`
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (ProcedureLog) TableName() string { return "bs_procedure_logs" }

// SubjectLog is a log of a subject, kept by the user who created it
// (UserID; NULL once that account is gone); Entries as on ProcedureLog.
type SubjectLog struct {
	ID          string      `gorm:"primaryKey;type:text"`
	Type        string      `gorm:"not null;index"`
	Description *string     `gorm:"column:description"`
	SubjectID   string      `gorm:"type:text;not null;index"`
	Subject     Subject     `gorm:"constraint:OnDelete:CASCADE"`
	UserID      *uint       `gorm:"index"`
	User        *store.User `gorm:"constraint:OnDelete:SET NULL"`
	Entries     string      `gorm:"not null;default:'[]'"`
	CreatedAt   time.Time   `gorm:"index"`
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (SubjectLog) TableName() string { return "bs_subject_logs" }

// bsLogModels lists the logs' tables for migration.
func bsLogModels() []any { return []any{&ProcedureLog{}, &SubjectLog{}} }

// bsLogRegistry are the log descriptors, merged into the registry.
var bsLogRegistry = map[string]*Model{
	"procedurelog": bsProcedureLogModel,
	"subjectlog":   bsSubjectLogModel,
}

// bsSubjectVisibleSQL selects the subjects of the viewer's projects (or of
// the public ones): a procedure log's procedure must belong to one.
func bsSubjectVisibleSQL(v Viewer) (string, []any) {
	if v.Public {
		return "SELECT subject_id FROM bs_subject_projects WHERE project_id IN (" + bsPublicProjects + ")", nil
	}
	return "SELECT subject_id FROM bs_subject_projects WHERE project_id IN (" + bsMemberProjects + ")", []any{v.UserID}
}

var (
	bsProcedureLogModel = moduleModel(&Model{
		Name: "procedurelog", Table: "bs_procedure_logs", Write: WriteProject, Verbose: "procedure log",
		DefaultOrder: []string{"created_at", "id"},
		visible: func(v Viewer) []bsCond {
			sub, args := bsSubjectVisibleSQL(v)
			return []bsCond{inSub("bs_procedure_logs.procedure_id", "id", "bs_procedures", "subject_id IN ("+sub+")", args...)}
		},
		Fields: []Field{
			modField("id", UUID, "id", readOnly, unique),
			modField("type", Text, "type", required, sortable),
			modField("description", Text, "description", nullable, sortable),
			modField("procedure", ToOne, "procedure_id", required, sortable, target("procedure")),
			modField("entries", JSONList, "entries", readOnly),
		},
	})
	bsSubjectLogModel = moduleModel(&Model{
		Name: "subjectlog", Table: "bs_subject_logs", Write: WriteProject, Verbose: "subject log",
		DefaultOrder: []string{"created_at", "id"},
		visible:      viaProjects("bs_subject_logs.subject_id", "subject_id", "bs_subject_projects"),
		Fields: []Field{
			modField("id", UUID, "id", readOnly, unique),
			modField("type", Text, "type", required, sortable),
			modField("description", Text, "description", nullable, sortable),
			modField("subject", ToOne, "subject_id", required, sortable, target("subject")),
			modField("user", Int, "user_id", readOnly, nullable, sortable),
			modField("entries", JSONList, "entries", readOnly),
		},
	})
)

// bsLogParent is how a log reaches the subject whose projects carry its
// write permission: the log's parent field and, for a parent that is not
// the subject, the SQL that maps a parent id to its subject id.
var bsLogParent = map[string]struct{ field, subjectOf string }{
	"procedurelog": {"procedure", "SELECT subject_id FROM bs_procedures WHERE id = ?"},
	"subjectlog":   {"subject", ""},
}

// IntervalLogTypes are the subject log types whose entries are
// intervals (start_date_time, end_date_time) instead of instants
// (date_time): docs/api/modules/subjectlog.md, "Interval entries".
var IntervalLogTypes = []string{"Housing", "FoodDeprivation", "WaterDeprivation", "Habituation", "Handling", "TrainingSession"}

// IsIntervalLog reports whether the entries of a log of model and type
// are intervals.
func IsIntervalLog(model, typ string) bool {
	return model == "subjectlog" && slices.Contains(IntervalLogTypes, typ)
}

// EntryOp is an entry action of a log.
type EntryOp int

// The entry actions.
const (
	AddEntry EntryOp = iota
	ChangeEntry
	RemoveEntry
)

// LogEntryChange is one entry action. The entry is named by its
// date_time (an interval's by its start_date_time): add_entry adds one
// with a time no other entry has, change_entry changes the fields sent
// of the entry with that time, remove_entry removes it.
type LogEntryChange struct {
	Op EntryOp
	// DateTime and StartDateTime are the entry's time (nil: not sent);
	// EndDateTime an interval's end (EndSent: sent, perhaps as null).
	DateTime, StartDateTime, EndDateTime *time.Time
	EndSent                              bool
	// Notes (NotesSent: sent, perhaps as null).
	Notes     *string
	NotesSent bool
	// Details is the JSON object sent (nil: not sent).
	Details json.RawMessage
	// Validate checks an entry's details (after the change) against the
	// schema of the log's type; it returns nil or a *store.ValidationError.
	Validate func(logType string, details json.RawMessage) error
}

// bsLogEntry is an entry as stored and answered.
type bsLogEntry struct {
	DateTime      *string         `json:"date_time,omitempty"`
	StartDateTime *string         `json:"start_date_time,omitempty"`
	EndDateTime   *string         `json:"-"`
	Notes         *string         `json:"notes"`
	Details       json.RawMessage `json:"details"`
}

// MarshalJSON writes an interval entry's end_date_time even when null.
func (e bsLogEntry) MarshalJSON() ([]byte, error) {
	type plain bsLogEntry
	if e.StartDateTime == nil {
		return json.Marshal(plain(e))
	}
	return json.Marshal(struct {
		StartDateTime *string         `json:"start_date_time"`
		EndDateTime   *string         `json:"end_date_time"`
		Notes         *string         `json:"notes"`
		Details       json.RawMessage `json:"details"`
	}{e.StartDateTime, e.EndDateTime, e.Notes, e.Details})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (e *bsLogEntry) UnmarshalJSON(b []byte) error {
	var x struct {
		DateTime, StartDateTime, EndDateTime, Notes *string
		Details                                     json.RawMessage
	}
	raw := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for k, dst := range map[string]**string{"date_time": &x.DateTime, "start_date_time": &x.StartDateTime,
		"end_date_time": &x.EndDateTime, "notes": &x.Notes} {
		if v, ok := raw[k]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return err
			}
		}
	}
	*e = bsLogEntry{DateTime: x.DateTime, StartDateTime: x.StartDateTime, EndDateTime: x.EndDateTime,
		Notes: x.Notes, Details: raw["details"]}
	return nil
}

// bsEntryTime is the wire format of an entry's times (the API's date-time).
const bsEntryTime = "2006-01-02T15:04:05.999999Z07:00"

func entryTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(bsEntryTime)
	return &s
}

// key is the time that names the entry.
func (e *bsLogEntry) key() string {
	if e.StartDateTime != nil {
		return *e.StartDateTime
	}
	if e.DateTime != nil {
		return *e.DateTime
	}
	return ""
}

// ChangeLogEntries runs one entry action on log id of model (procedurelog,
// subjectlog) for the user: store.ErrNotFound unless they may see the log,
// store.ErrForbidden unless they have can_change on every project of its subject,
// a *store.ValidationError for a bad entry (nothing is written then).
func (s *Store) ChangeLogEntries(ctx context.Context, userID uint, model, id string, e LogEntryChange) error {
	return s.UpdateRecord(ctx, userID, model, id, Change{Extra: map[string]any{"entry": e}})
}

func init() {
	for name := range bsLogRegistry {
		bsRegistry[name].hooks = bsHooks{check: logCheck, authorize: logAuthorize, before: logBefore}
	}
}

// logCheck: the type is written on create only (a changed type is ignored,
// as for Django REST framework's read-only fields).
func logCheck(w *bsWrite, _ fieldErrors) error {
	if w.op == opUpdate {
		delete(w.set, "type")
	}
	return nil
}

// logAuthorize: can_change on every project of the log's subject, before
// and after the change.
func logAuthorize(w *bsWrite) error {
	p := bsLogParent[w.m.Name]
	f := w.m.Field(p.field)
	var parents []string
	if v, ok := w.set[p.field]; ok {
		parents = append(parents, textOf(v))
	}
	if w.op != opCreate {
		parents = append(parents, textOf(w.cur[f.Col]))
	}
	var projects []string
	for _, parent := range dedupe(parents) {
		q := w.tx.Table("bs_subject_projects").Where("subject_id = ?", parent)
		if p.subjectOf != "" {
			q = w.tx.Table("bs_subject_projects").Where("subject_id IN ("+p.subjectOf+")", parent)
		}
		var ids []string
		if err := q.Pluck("project_id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 { // a parent without projects: nobody may change it
			return store.ErrForbidden
		}
		projects = append(projects, ids...)
	}
	if ok, err := canChangeAll(w.tx, w.userID, dedupe(projects)); err != nil || !ok {
		return orForbidden(err)
	}
	return nil
}

// logBefore sets a new subject log's user and runs an entry action.
func logBefore(w *bsWrite) error {
	switch w.op {
	case opCreate:
		if w.m.Name == "subjectlog" {
			w.cols["user_id"] = w.userID
		}
	case opUpdate:
		e, ok := w.extra["entry"].(LogEntryChange)
		if !ok {
			return nil
		}
		entries, err := applyLogEntry(w.m.Name, textOf(w.cur["type"]), textOf(w.cur["entries"]), e)
		if err != nil {
			return err
		}
		w.cols["entries"] = entries
	}
	return nil
}

// applyLogEntry runs e on the entries (JSON text) of a log of model and
// typ and returns the new entries, newest first.
func applyLogEntry(model, typ, text string, e LogEntryChange) (string, error) {
	var entries []bsLogEntry
	if text != "" {
		if err := json.Unmarshal([]byte(text), &entries); err != nil {
			return "", err
		}
	}
	interval := IsIntervalLog(model, typ)
	keyField, keyTime := "date_time", e.DateTime
	if interval {
		keyField, keyTime = "start_date_time", e.StartDateTime
	}
	if keyTime == nil {
		return "", store.Invalid(keyField, "This field is required.")
	}
	key := *entryTime(keyTime)
	at := slices.IndexFunc(entries, func(x bsLogEntry) bool { return x.key() == key })
	switch {
	case e.Op == AddEntry && at >= 0:
		return "", store.Invalid(keyField, "An entry with this "+keyField+" already exists.")
	case e.Op != AddEntry && at < 0:
		return "", store.Invalid(keyField, "No entry with this "+keyField+".")
	}
	if e.Op == RemoveEntry {
		entries = slices.Delete(entries, at, at+1)
		return logEntriesText(entries)
	}
	var entry bsLogEntry
	if e.Op == AddEntry {
		entry = bsLogEntry{Details: json.RawMessage("{}")}
		if interval {
			entry.StartDateTime = &key
		} else {
			entry.DateTime = &key
		}
	} else {
		entry = entries[at]
	}
	if e.NotesSent {
		entry.Notes = e.Notes
	}
	if interval && e.EndSent {
		entry.EndDateTime = entryTime(e.EndDateTime)
	}
	if interval && entry.EndDateTime != nil {
		end, _ := time.Parse(bsEntryTime, *entry.EndDateTime)
		if end.Before(keyTime.UTC()) {
			return "", store.Invalid("end_date_time", "end_date_time must not be before start_date_time.")
		}
	}
	if e.Details != nil {
		entry.Details = e.Details
	}
	if e.Validate != nil && (e.Op == AddEntry || e.Details != nil) {
		if err := e.Validate(typ, entry.Details); err != nil {
			return "", err
		}
	}
	if e.Op == AddEntry {
		entries = append(entries, entry)
	} else {
		entries[at] = entry
	}
	return logEntriesText(entries)
}

// logEntriesText sorts entries newest first (the docs' examples) and
// returns them as JSON text.
func logEntriesText(entries []bsLogEntry) (string, error) {
	sort.SliceStable(entries, func(i, j int) bool {
		a, _ := time.Parse(bsEntryTime, entries[i].key())
		b, _ := time.Parse(bsEntryTime, entries[j].key())
		return a.After(b)
	})
	if entries == nil {
		entries = []bsLogEntry{}
	}
	b, err := json.Marshal(entries)
	return string(b), err
}

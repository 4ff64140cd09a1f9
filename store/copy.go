package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// CopyTable is one table as Copy found it: its rows in the source and, after
// the copy, in the target.
type CopyTable struct {
	Name           string
	Source, Target int64
}

// CopyBlob is one attachment's bytes as Copy checked them: the sha256 its
// row records, and the sha256 of what the source and the target hold.
type CopyBlob struct {
	ID                   string
	Want, Source, Target string
	SourceErr, TargetErr error
}

// OK reports whether the source and the target hold the bytes the row names.
func (b CopyBlob) OK() bool {
	return b.SourceErr == nil && b.TargetErr == nil && b.Source == b.Want && b.Target == b.Want
}

// CopyReport is what Copy did, for the caller to print.
type CopyReport struct {
	Tables []CopyTable
	Blobs  []CopyBlob
}

// OK reports whether every table has as many rows in the target as in the
// source and every blob arrived with its sha256.
func (r *CopyReport) OK() bool {
	for _, t := range r.Tables {
		if t.Source != t.Target {
			return false
		}
	}
	for _, b := range r.Blobs {
		if !b.OK() {
			return false
		}
	}
	return true
}

// ErrTargetNotEmpty means the target database of Copy already has rows.
var ErrTargetNotEmpty = errors.New("the target database is not empty")

// attachmentBlob is an attachment's row as far as its blob goes: the id
// that names the blob and the sha256 of its bytes.
type attachmentBlob struct {
	ID     string
	SHA256 string `gorm:"column:sha256"`
}

// copyTransient lists the tables whose rows are the state of a running
// process, not data: they are neither copied nor compared.
var copyTransient = map[string]bool{"schema_migrations": true, "pending_blobs": true}

// Copy copies an installation from src (SQLite, not served meanwhile) to dst
// (PostgreSQL, migrated, no node serving it yet): the bytes of every
// attachment from src's blob store to dst's, then every row of every table
// of src's schema in one transaction, then compares: rows per table and the
// sha256 of every blob in both stores against its row. Tables are found in
// the schema, not listed here, so a table added by a later migration is
// copied too; dst must have every table src has. A dst with rows is refused
// with ErrTargetNotEmpty unless replace is set, which empties its tables in
// the same transaction first. The export-URL key of src's data directory
// becomes dst's shared one, so URLs handed out before still work. progress
// is called with a line per step.
func Copy(ctx context.Context, src, dst *Store, replace bool, progress func(string)) (*CopyReport, error) {
	if src.dialect != SQLite || dst.dialect != Postgres {
		return nil, fmt.Errorf("copy: from SQLite to PostgreSQL only (got %s to %s)", src.dialect, dst.dialect)
	}
	tables, err := copyTables(src, dst)
	if err != nil {
		return nil, err
	}
	if !replace {
		var full []string
		for _, t := range tables {
			var n int64
			if err := dst.W.WithContext(ctx).Table(t).Count(&n).Error; err != nil {
				return nil, err
			}
			if n > 0 {
				full = append(full, fmt.Sprintf("%s (%d rows)", t, n))
			}
		}
		if len(full) > 0 {
			return nil, fmt.Errorf("%w: %s", ErrTargetNotEmpty, strings.Join(full, ", "))
		}
	}

	// The blobs first, each under a pending row (so that no sweep takes it
	// for a leftover) that the rows' transaction deletes.
	var atts []attachmentBlob
	if err := src.R.WithContext(ctx).Table("atlas_attachments").Select("id", "sha256").Order("id").Find(&atts).Error; err != nil {
		return nil, err
	}
	ids := make([]string, len(atts))
	for i, a := range atts {
		ids[i] = a.ID
		stop, err := dst.addPending(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		err = copyBlob(ctx, src.Blobs(), dst.Blobs(), a.ID)
		stop()
		if err != nil {
			return nil, fmt.Errorf("copy the bytes of attachment %s: %w", a.ID, err)
		}
	}
	progress(fmt.Sprintf("copied %d blobs from %s to %s", len(atts), src.Blobs().Describe(), dst.Blobs().Describe()))

	order, err := referencedFirst(ctx, dst, tables)
	if err != nil {
		return nil, err
	}
	key, err := os.ReadFile(filepath.Join(filepath.Dir(src.BlobDir), atlasExportKeyFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	err = dst.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if replace {
			quoted := make([]string, len(order))
			for i, t := range order {
				quoted[i] = quoteIdent(t)
			}
			if err := tx.Exec("TRUNCATE " + strings.Join(quoted, ", ") + " RESTART IDENTITY CASCADE").Error; err != nil {
				return err
			}
		}
		for _, t := range order {
			n, err := copyRows(ctx, src.R, tx, t)
			if err != nil {
				return fmt.Errorf("copy table %s: %w", t, err)
			}
			progress(fmt.Sprintf("copied %d rows of %s", n, t))
			if err := resetSequences(tx, t); err != nil {
				return fmt.Errorf("table %s: %w", t, err)
			}
		}
		if len(key) > 0 {
			if err := tx.Exec("INSERT INTO shared_secrets (name, value) VALUES ('atlas-export', ?) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", key).Error; err != nil {
				return err
			}
		}
		return dst.dropPending(tx, ids)
	})
	if err != nil {
		return nil, err
	}
	extra := map[string]int64{}
	if len(key) > 0 {
		progress("copied the export-URL key (" + atlasExportKeyFile + ") into shared_secrets")
		var n int64
		if err := src.R.WithContext(ctx).Model(&sharedSecret{}).Where("name = ?", "atlas-export").Count(&n).Error; err != nil {
			return nil, err
		}
		extra["shared_secrets"] = 1 - n
	}
	return verifyCopy(ctx, src, dst, tables, extra, atts)
}

// copyTables lists the tables of src's schema that Copy copies, checking
// that dst has each of them.
func copyTables(src, dst *Store) ([]string, error) {
	all, err := src.R.Migrator().GetTables()
	if err != nil {
		return nil, err
	}
	var tables []string
	for _, t := range all {
		if copyTransient[t] || strings.HasPrefix(t, "sqlite_") {
			continue
		}
		if !dst.W.Migrator().HasTable(t) {
			return nil, fmt.Errorf("the target database has no table %s: run `sessionhub migrate` with this sessionhub on both", t)
		}
		tables = append(tables, t)
	}
	sort.Strings(tables)
	return tables, nil
}

// referencedFirst orders tables so that a table comes after every table
// its foreign keys reference (read from dst's catalog).
func referencedFirst(ctx context.Context, dst *Store, tables []string) ([]string, error) {
	rows, err := dst.W.WithContext(ctx).Raw(`SELECT conrelid::regclass::text, confrelid::regclass::text
		FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace`).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	refs := map[string][]string{}
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return nil, err
		}
		if from != to {
			refs[strings.Trim(from, `"`)] = append(refs[strings.Trim(from, `"`)], strings.Trim(to, `"`))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var order []string
	state := map[string]int{} // 1: visiting, 2: done
	var visit func(t string) error
	visit = func(t string) error {
		switch state[t] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", t)
		case 2:
			return nil
		}
		state[t] = 1
		for _, r := range refs[t] {
			if err := visit(r); err != nil {
				return err
			}
		}
		state[t] = 2
		order = append(order, t)
		return nil
	}
	want := map[string]bool{}
	for _, t := range tables {
		want[t] = true
		if err := visit(t); err != nil {
			return nil, err
		}
	}
	out := order[:0]
	for _, t := range order {
		if want[t] {
			out = append(out, t)
		}
	}
	return out, nil
}

// copyBatch is how many rows one INSERT of copyRows carries.
const copyBatch = 200

// copyRows copies every row of table from src to tx, converting what
// SQLite stores into the type of the target column (booleans stored as
// integers, texts stored as bytes), and returns how many it copied. Rows
// go in primary-key order (rowid), so a row referencing an earlier row of
// its own table comes after it (as it was inserted after it).
func copyRows(ctx context.Context, src, tx *gorm.DB, table string) (int64, error) {
	types, err := tx.Migrator().ColumnTypes(table)
	if err != nil {
		return 0, err
	}
	target := map[string]string{}
	for _, c := range types {
		target[c.Name()] = pgKind(c.DatabaseTypeName())
	}
	rows, err := src.WithContext(ctx).Table(table).Order("rowid").Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	for _, c := range cols {
		if _, ok := target[c]; !ok {
			return 0, fmt.Errorf("the target has no column %s.%s: run `sessionhub migrate` with this sessionhub on both", table, c)
		}
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
	}
	rowMarks := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	var n int64
	var args []any
	pending := 0
	flush := func() error {
		if pending == 0 {
			return nil
		}
		q := "INSERT INTO " + quoteIdent(table) + " (" + strings.Join(quoted, ", ") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(rowMarks+", ", pending), ", ")
		err := tx.Exec(q, args...).Error
		n += int64(pending)
		args, pending = args[:0], 0
		return err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range cols {
			v, err := convertForPostgres(vals[i], target[c])
			if err != nil {
				return n, fmt.Errorf("column %s: %w", c, err)
			}
			args = append(args, v)
		}
		if pending++; pending == copyBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// pgKind sorts a PostgreSQL column type into what convertForPostgres
// needs to know: "bool", "time", "bytes" or "" (anything else).
func pgKind(typ string) string {
	typ = strings.ToLower(typ)
	switch {
	case strings.HasPrefix(typ, "bool"):
		return "bool"
	case strings.HasPrefix(typ, "timestamp"):
		return "time"
	case typ == "bytea":
		return "bytes"
	}
	return ""
}

// convertForPostgres turns a value read from SQLite into one PostgreSQL
// takes for a column of kind (pgKind).
func convertForPostgres(v any, kind string) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case int64:
		if kind == "bool" {
			return x != 0, nil
		}
	case []byte:
		if kind != "bytes" {
			return string(x), nil
		}
	case string:
		switch kind {
		case "bool":
			return x == "1" || strings.EqualFold(x, "true"), nil
		case "time":
			for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02"} {
				if t, err := time.Parse(layout, x); err == nil {
					return t, nil
				}
			}
			return nil, fmt.Errorf("cannot read %q as a time", x)
		case "bytes":
			return []byte(x), nil
		}
	}
	return v, nil
}

// resetSequences moves the sequences of table's serial columns past the
// largest value copied, so that the next insert does not collide.
func resetSequences(tx *gorm.DB, table string) error {
	types, err := tx.Migrator().ColumnTypes(table)
	if err != nil {
		return err
	}
	for _, c := range types {
		var seq sql.NullString
		if err := tx.Raw("SELECT pg_get_serial_sequence(?, ?)", quoteIdent(table), c.Name()).Row().Scan(&seq); err != nil {
			return err
		}
		if !seq.Valid {
			continue
		}
		q := fmt.Sprintf("SELECT setval(?, COALESCE((SELECT MAX(%s) FROM %s), 0) + 1, false)", quoteIdent(c.Name()), quoteIdent(table))
		if err := tx.Exec(q, seq.String).Error; err != nil {
			return err
		}
	}
	return nil
}

// quoteIdent quotes a table or column name read from the schema.
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// copyBlob streams the bytes of attachment id from one blob store to another.
func copyBlob(ctx context.Context, from, to BlobStore, id string) error {
	r, err := from.Open(ctx, id)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := to.Create(ctx, id)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Abort()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return to.Commit(ctx, w.Staged(), id)
}

// verifyCopy counts the rows of every table on both sides (extra: rows the
// copy added to a table, counted with the source's) and hashes every blob
// in both stores.
func verifyCopy(ctx context.Context, src, dst *Store, tables []string, extra map[string]int64, atts []attachmentBlob) (*CopyReport, error) {
	r := &CopyReport{}
	for _, t := range tables {
		ct := CopyTable{Name: t}
		if err := src.R.WithContext(ctx).Table(t).Count(&ct.Source).Error; err != nil {
			return nil, err
		}
		ct.Source += extra[t]
		if err := dst.R.WithContext(ctx).Table(t).Count(&ct.Target).Error; err != nil {
			return nil, err
		}
		r.Tables = append(r.Tables, ct)
	}
	for _, a := range atts {
		b := CopyBlob{ID: a.ID, Want: a.SHA256}
		b.Source, b.SourceErr = blobSHA256(ctx, src.Blobs(), a.ID)
		b.Target, b.TargetErr = blobSHA256(ctx, dst.Blobs(), a.ID)
		r.Blobs = append(r.Blobs, b)
	}
	return r, nil
}

func blobSHA256(ctx context.Context, b BlobStore, id string) (string, error) {
	f, err := b.Open(ctx, id)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

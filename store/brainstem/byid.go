package brainstem

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/sessionhub/sessionhub/store"
)

// Reads of records by id, the hot path of every detail and include[]:
// `SELECT <sel> FROM <table> WHERE <v's visibility> AND id IN (<ids>)`,
// its text built once per dialect, model and portal (selMemo) and run as
// a prepared statement of the read pool with the ids as one JSON array,
// so that any number of ids is the same statement. Through GORM the same
// read re-assembled its statement on every call (its clause builder
// copies a 2 KB column list byte by byte to find the placeholders): in
// the profile of the in-process workflow read (BenchmarkBrainstemSeeded-
// Modules) the module reads' Go CPU went from 1.3 s to 0.4 s per 10,000
// requests, and the whole request's allocations from 1,107 to 736.

// queryByID runs sel (with its bind values selArgs, each v's id: the
// record column lists) over the records of model among ids that v may
// see, in no particular order.
func (s *Store) queryByID(ctx context.Context, v Viewer, model string, build func(Viewer) (string, []any), ids []string) (*sql.Rows, error) {
	text, args, err := s.byIDQuery(v, model, build, ids)
	if err != nil {
		return nil, err
	}
	return s.onReaders(ctx)(text, args)
}

// queryRunner runs a query: on the read pool (onReaders) or in a write's
// transaction (inTx).
type queryRunner func(text string, args []any) (*sql.Rows, error)

// onReaders runs a query as a prepared statement of the read pool.
func (s *Store) onReaders(ctx context.Context) queryRunner {
	return func(text string, args []any) (*sql.Rows, error) {
		stmt, err := s.core.Prepared(text)
		if err != nil {
			return nil, err
		}
		return stmt.QueryContext(ctx, args...)
	}
}

// inTx runs a query in tx, which sees the transaction's own writes.
func inTx(tx *gorm.DB) queryRunner {
	return func(text string, args []any) (*sql.Rows, error) {
		return tx.Statement.ConnPool.QueryContext(tx.Statement.Context, text, args...)
	}
}

// byIDQuery is queryByID's statement and its bind values.
func (s *Store) byIDQuery(v Viewer, model string, build func(Viewer) (string, []any), ids []string) (string, []any, error) {
	d := s.sqlDialect()
	m := bsModels[model]
	text, args := memoSelect(d, "byid:"+model, v, func(v Viewer) (string, []any) {
		sel, args := build(v)
		var b strings.Builder
		b.WriteString("SELECT " + sel + " FROM " + m.table + " WHERE ")
		args = append(args, writeVisible(&b, v, model)...)
		b.WriteString(d.idsIn(m.pk()))
		return d.numbered(b.String()), args
	})
	keep := make([]string, 0, len(ids))
	for _, id := range ids {
		if d.storable(id) { // others match nothing stored (and jsonb refuses a NUL)
			keep = append(keep, id)
		}
	}
	list, err := json.Marshal(keep)
	if err != nil {
		return "", nil, err
	}
	return text, append(args, string(list)), nil
}

// writeVisible writes the conditions of model's visibility to b, each
// followed by AND, in their correlated EXISTS form where they have one
// (see Viewer.where), and returns their bind values.
func writeVisible(b *strings.Builder, v Viewer, model string) []any {
	var args []any
	for _, c := range v.visible(model) {
		if c.exists != "" {
			b.WriteString("(" + c.exists + ") AND ")
		} else {
			b.WriteString("(" + c.sql + ") AND ")
		}
		args = append(args, c.args...)
	}
	return args
}

// queryOne runs text with args and reads its first row with scan; no row
// is store.ErrNotFound.
func queryOne(run queryRunner, text string, args []any, scan func(*sql.Rows) error) error {
	rows, err := run(text, args)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return store.ErrNotFound
	}
	if err := scan(rows); err != nil {
		return err
	}
	return rows.Close()
}

// scanRows reads every row of rows with scan and closes rows.
func scanRows[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		t, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// numberPlaceholders writes the bind placeholders of text (`?` outside
// quoted literals and identifiers) as $1, $2, … for PostgreSQL.
func numberPlaceholders(text string) string {
	var b strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0 // a doubled quote reopens at the next byte
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

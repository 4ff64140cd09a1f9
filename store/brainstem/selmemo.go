package brainstem

import (
	"slices"
	"sync"
)

// selMemo keeps the column lists of the record reads (moduleSelect,
// bsSessionSelect), built from the registry on each read before: the
// SQL text depends on the dialect, the model and the portal only, and
// its bind values are the viewer's id, once per visibility term. Building
// a module's list was ~8 % of the CPU of the bench's workflow read.
var selMemo sync.Map // selMemoKey → selMemoEntry

type selMemoKey struct {
	d      *bsDialect
	model  string
	public bool
}

type selMemoEntry struct {
	sql   string
	nargs int // bind values, each the viewer's id
}

// memoSelect returns build(v), from selMemo after the first call for its
// key. A list is kept only when building it for another viewer of the
// same portal gives the same SQL with that viewer's id in every bind
// value (anything else is built on every call).
func memoSelect(d *bsDialect, model string, v Viewer, build func(Viewer) (string, []any)) (string, []any) {
	k := selMemoKey{d, model, v.Public}
	if e, ok := selMemo.Load(k); ok {
		e := e.(selMemoEntry)
		args := make([]any, e.nargs)
		for i := range args {
			args[i] = v.UserID
		}
		return e.sql, args
	}
	sql, args := build(v)
	other := Viewer{UserID: v.UserID + 1, Public: v.Public}
	sql2, args2 := build(other)
	if sql2 == sql && len(args2) == len(args) &&
		!slices.ContainsFunc(args, func(a any) bool { return a != any(v.UserID) }) &&
		!slices.ContainsFunc(args2, func(a any) bool { return a != any(other.UserID) }) {
		selMemo.Store(k, selMemoEntry{sql, len(args)})
	}
	return sql, args
}

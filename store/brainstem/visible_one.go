package brainstem

import "strings"

// visibleOne is `EXISTS (SELECT 1 FROM <model's table> WHERE <its id> = col
// AND <visible>)`: whether the one record col names is one v may see, for
// the relation lists and links of a record read by id. It is the same test
// as `col IN (<visibleIDs(model)>)`, which SQLite computes by building the
// list of every visible id once per statement and probing it; checked
// through the id it is a few index probes instead (each visibility term in
// its correlated EXISTS form where it has one). On the bench's graph a
// session's projects list cost ~130 µs of CPU the first way, ~10 µs this
// way.
func (v Viewer) visibleOne(model, col string) bsCond {
	m := bsModels[model]
	var out bsCond
	terms := []string{m.pk() + " = " + col}
	for _, c := range v.visible(model) {
		s := c.sql
		if c.exists != "" {
			s = c.exists
		}
		terms = append(terms, "("+s+")")
		out.args = append(out.args, c.args...)
	}
	out.sql = "EXISTS (SELECT 1 FROM " + m.table + " WHERE " + strings.Join(terms, " AND ") + ")"
	return out
}

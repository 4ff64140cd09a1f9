package brainstem

import (
	"time"
)

// The value formats the renderer (records.go) shares.

// embeds holds, per relation name, the embedded objects by id
// (include[]=rel.*). A relation without an entry is rendered as ids.
type embeds map[string]map[string]object

// relation renders a relation: its ids, or the visible embedded objects.
func (e embeds) relation(name string, ids []string) any {
	objs, ok := e[name]
	if !ok {
		if ids == nil {
			return []string{}
		}
		return ids
	}
	out := make([]object, 0, len(ids))
	for _, id := range ids {
		if o, ok := objs[id]; ok {
			out = append(out, o)
		}
	}
	return out
}

// one renders a to-one relation: the id, or the embedded object.
func (e embeds) one(name, id string) any {
	if objs, ok := e[name]; ok {
		if o, ok := objs[id]; ok {
			return o
		}
	}
	return id
}

var emptyList = []string{}

// formatDateTime writes a time as DRF does: UTC with a Z, microseconds when non-zero.
func formatDateTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.999999Z07:00")
}

// wantLinks is false when the request asked for ?exclude_links.
func wantLinks(r *request) bool {
	_, no := r.query["exclude_links"]
	return !no
}

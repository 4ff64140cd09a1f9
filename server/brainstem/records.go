package brainstem

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/sessionhub/sessionhub/store"
)

// Records are rendered from the model registry (store.BSModels): the fields
// in the registry's order, each formatted by its kind, the relations asked
// for with include[] embedded. Only the fields the registry marks as
// computed have a renderer of their own here.

// computed renders the BSComputed fields, by "model.field": the field's
// Get value (nil when it has none), the record and the request.
var computed = map[string]func(v, rec any, r *request) any{
	"project.users": func(_, rec any, r *request) any {
		users := object{}
		if !r.public { // members' e-mails are shown on the private portal only
			for _, m := range rec.(*store.BSProjectRecord).Members {
				users = append(users, member{m.Email, object{
					{"can_change", m.CanChange}, {"is_manager", m.IsManager}, {"is_owner", m.IsOwner},
				}})
			}
		}
		return users
	},
	"project.groups":   func(any, any, *request) any { return object{} },
	"species.rrid_url": func(v, _ any, _ *request) any { return rridURL(v.(*string)) },
	"strain.rrid_url":  func(v, _ any, _ *request) any { return rridURL(v.(*string)) },
}

// recordObject renders rec (a pointer to model m's record type) with the
// embeds e (nil: relations as ids).
func recordObject(m *store.BSModel, rec any, r *request, e embeds) object {
	o := make(object, 0, len(m.Fields))
	for i := range m.Fields {
		f := &m.Fields[i]
		var v any
		switch f.Kind {
		case store.BSEmpty:
			v = emptyList
		case store.BSLinks:
			if !wantLinks(r) {
				continue
			}
			v = linksObject(m, rec)
		case store.BSComputed:
			var got any
			if f.Get != nil {
				got = f.Get(rec)
			}
			v = computed[m.Name+"."+f.Name](got, rec, r)
		default:
			v = fieldValue(f, f.Get(rec), e)
		}
		o = append(o, member{f.Name, v})
	}
	return o
}

// fieldValue formats a stored value of f for the wire.
func fieldValue(f *store.BSField, v any, e embeds) any {
	switch f.Kind {
	case store.BSDateTime:
		return formatDateTime(v.(*time.Time))
	case store.BSJSON:
		return rawJSON(v.(string), "{}")
	case store.BSJSONList, store.BSTextList, store.BSUUIDList:
		return rawJSON(v.(string), "[]")
	case store.BSToMany:
		return e.relation(f.Name, v.([]string))
	case store.BSToOne:
		id := derefText(v)
		if id == "" { // no target, or one the caller may not see
			return nil
		}
		return e.one(f.Name, id)
	}
	switch x := v.(type) {
	case *string:
		return nullableText(x)
	case *int64:
		if x == nil {
			return nil
		}
		return *x
	}
	return v
}

// derefText returns a string or *string value ("" for nil).
func derefText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case *string:
		if x != nil {
			return *x
		}
	}
	return ""
}

// linksObject lists the non-empty to-many relations as relative URLs.
func linksObject(m *store.BSModel, rec any) object {
	o := object{}
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Kind == store.BSToMany && len(f.Get(rec).([]string)) > 0 {
			o = append(o, member{f.Name, f.Name + "/"})
		}
	}
	return o
}

// loaders fetch the records of a model by id (only those the caller may
// see) for include[]: one query per relation for a whole page.
var loaders map[string]func(h *Handlers, ctx context.Context, r *request, ids []string) (map[string]object, error)

func init() {
	loaders = map[string]func(*Handlers, context.Context, *request, []string) (map[string]object, error){
		"session":     loader("session", (*store.Store).BSSessionsByID),
		"project":     loader("project", (*store.Store).BSProjectsByID),
		"datastorage": loader("datastorage", (*store.Store).BSDataStoragesByID),
		"subject":     loader("subject", (*store.Store).BSSubjectsByID),
		"collection":  loader("collection", (*store.Store).BSCollectionsByID),
		"cohort":      loader("cohort", (*store.Store).BSCohortsByID),
		"breeding":    loader("breeding", (*store.Store).BSBreedingsByID),
		"species":     loader("species", (*store.Store).BSSpeciesByID),
		"strain":      loader("strain", (*store.Store).BSStrainsByID),
		"supplier":    loader("supplier", (*store.Store).BSSuppliersByID),
	}
	maps.Copy(loaders, attributeLoaders())
	addModuleLoaders()
}

// loader renders the records fetch returns, indexed by id.
func loader[T any](model string, fetch func(*store.Store, context.Context, store.BSViewer, []string) ([]T, error)) func(*Handlers, context.Context, *request, []string) (map[string]object, error) {
	m := store.BSModelNamed(model)
	id := m.Field("id")
	return func(h *Handlers, ctx context.Context, r *request, ids []string) (map[string]object, error) {
		recs, err := fetch(h.st, ctx, r.viewer(), dedupe(ids))
		if err != nil {
			return nil, err
		}
		out := make(map[string]object, len(recs))
		for i := range recs {
			out[id.Get(&recs[i]).(string)] = recordObject(m, &recs[i], r, nil)
		}
		return out, nil
	}
}

// renderRecords renders records of model (a slice of its record type),
// embedding the relations include[] names with one query per relation.
func renderRecords[T any](h *Handlers, ctx context.Context, r *request, model string, recs []T, include, exclude []string) ([]object, error) {
	m := store.BSModelNamed(model)
	e := embeds{}
	for i := range m.Fields {
		f := &m.Fields[i]
		if (f.Kind != store.BSToOne && f.Kind != store.BSToMany) || !slices.Contains(include, f.Name) {
			continue
		}
		load := loaders[f.Target]
		if load == nil {
			continue
		}
		var ids []string
		for j := range recs {
			switch v := f.Get(&recs[j]).(type) {
			case []string:
				ids = append(ids, v...)
			default:
				if id := derefText(v); id != "" {
					ids = append(ids, id)
				}
			}
		}
		objs, err := load(h, ctx, r, ids)
		if err != nil {
			return nil, err
		}
		e[f.Name] = objs
	}
	out := make([]object, len(recs))
	for i := range recs {
		out[i] = recordObject(m, &recs[i], r, e).without(exclude, include)
	}
	return out, nil
}

// detail is the body of one record of model: {"<model>": {…}}.
func detail(model string, rec any, r *request) object {
	return object{{model, recordObject(store.BSModelNamed(model), rec, r, nil)}}
}

package brainstem

import (
	"context"
	"maps"
	"slices"
	"time"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// Records are rendered from the model registry (bsdb.Models): the fields
// in the registry's order, each formatted by its kind, the relations asked
// for with include[] embedded. Only the fields the registry marks as
// computed have a renderer of their own here.

// computed renders the BSComputed fields, by "model.field": the field's
// Get value (nil when it has none), the record and the request.
var computed = map[string]func(v, rec any, r *request) any{
	"project.users": func(_, rec any, r *request) any {
		users := object{}
		if !r.public { // members' e-mails are shown on the private portal only
			for _, m := range rec.(*bsdb.ProjectRecord).Members {
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
func recordObject(m *bsdb.Model, rec any, r *request, e embeds) object {
	o := make(object, 0, len(m.Fields))
	for i := range m.Fields {
		f := &m.Fields[i]
		var v any
		switch f.Kind {
		case bsdb.Empty:
			v = emptyList
		case bsdb.Links:
			if !wantLinks(r) {
				continue
			}
			v = linksObject(m, rec)
		case bsdb.Computed:
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
func fieldValue(f *bsdb.Field, v any, e embeds) any {
	switch f.Kind {
	case bsdb.DateTime:
		return formatDateTime(v.(*time.Time))
	case bsdb.JSON:
		return rawJSON(v.(string), "{}")
	case bsdb.JSONList, bsdb.TextList, bsdb.UUIDList:
		return rawJSON(v.(string), "[]")
	case bsdb.ToMany:
		return e.relation(f.Name, v.([]string))
	case bsdb.ToOne:
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
func linksObject(m *bsdb.Model, rec any) object {
	o := object{}
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Kind == bsdb.ToMany && len(f.Get(rec).([]string)) > 0 {
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
		"session":     loader("session", (*bsdb.Store).SessionsByID),
		"project":     loader("project", (*bsdb.Store).ProjectsByID),
		"datastorage": loader("datastorage", (*bsdb.Store).DataStoragesByID),
		"subject":     loader("subject", (*bsdb.Store).SubjectsByID),
		"collection":  loader("collection", (*bsdb.Store).CollectionsByID),
		"cohort":      loader("cohort", (*bsdb.Store).CohortsByID),
		"breeding":    loader("breeding", (*bsdb.Store).BreedingsByID),
		"species":     loader("species", (*bsdb.Store).SpeciesByID),
		"strain":      loader("strain", (*bsdb.Store).StrainsByID),
		"supplier":    loader("supplier", (*bsdb.Store).SuppliersByID),
	}
	maps.Copy(loaders, attributeLoaders())
	addModuleLoaders()
}

// loader renders the records fetch returns, indexed by id.
func loader[T any](model string, fetch func(*bsdb.Store, context.Context, bsdb.Viewer, []string) ([]T, error)) func(*Handlers, context.Context, *request, []string) (map[string]object, error) {
	m := bsdb.ModelNamed(model)
	id := m.Field("id")
	return func(h *Handlers, ctx context.Context, r *request, ids []string) (map[string]object, error) {
		recs, err := fetch(h.db, ctx, r.viewer(), dedupe(ids))
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
	m := bsdb.ModelNamed(model)
	e := embeds{}
	for i := range m.Fields {
		f := &m.Fields[i]
		if (f.Kind != bsdb.ToOne && f.Kind != bsdb.ToMany) || !slices.Contains(include, f.Name) {
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
	return object{{model, recordObject(bsdb.ModelNamed(model), rec, r, nil)}}
}

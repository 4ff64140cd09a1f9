package brainstem

import (
	"context"
	"fmt"
	"net/http"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// The personal attributes (setup, behavioralassay, license, inventory), the
// resources (hardwaredevice, consumable) and the taxonomies
// (behavioralparadigm, behavioralcategory, setuptype, brainregion,
// regulatoryauthority) are served generically from their registry
// descriptors: reads through listRecords' machinery, writes by decoding the
// (spec-validated) body field by field as the registry describes it. The
// per-operation methods are in attributes_ops.go.

// attrModel is how one of these models is read.
type attrModel struct {
	// listKey and detailKey are the envelope keys (as on the real service:
	// `setup_types` and `setup_type` for setuptype).
	listKey, detailKey string
	list               func(h *Handlers, ctx context.Context, p pageParams) (response, error)
	get                func(h *Handlers, ctx context.Context, id string) (response, error)
	load               func(h *Handlers, ctx context.Context, r *request, ids []string) (map[string]object, error)
}

func attrOf[T any](model, listKey, detailKey string, rd bsdb.AttributeReader[T]) attrModel {
	list := func(s *bsdb.Store) func(context.Context, bsdb.Viewer, bsdb.ListQuery, bsdb.Page) ([]T, int64, error) {
		return func(ctx context.Context, v bsdb.Viewer, q bsdb.ListQuery, p bsdb.Page) ([]T, int64, error) {
			return rd.List(s, ctx, v, q, p)
		}
	}
	get := func(s *bsdb.Store) func(context.Context, bsdb.Viewer, string) (*T, error) {
		return func(ctx context.Context, v bsdb.Viewer, id string) (*T, error) { return rd.Get(s, ctx, v, id) }
	}
	return attrModel{
		listKey: listKey, detailKey: detailKey,
		list: func(h *Handlers, ctx context.Context, p pageParams) (response, error) {
			return listRecords(ctx, h, p, model, listKey, list(h.db))
		},
		get: func(h *Handlers, ctx context.Context, id string) (response, error) {
			res, err := getRecord(ctx, h, model, id, get(h.db))
			if err != nil || detailKey == model {
				return res, err
			}
			body := res.body.(object)
			return ok(object{{detailKey, body[0].value}}), nil
		},
		load: loader(model, rd.ByID),
	}
}

var attrModels = map[string]attrModel{
	"setup":               attrOf("setup", "setups", "setup", bsdb.Setups),
	"behavioralassay":     attrOf("behavioralassay", "behavioralassays", "behavioralassay", bsdb.BehavioralAssays),
	"license":             attrOf("license", "licenses", "license", bsdb.Licenses),
	"inventory":           attrOf("inventory", "inventories", "inventory", bsdb.Inventories),
	"hardwaredevice":      attrOf("hardwaredevice", "hardwaredevices", "hardwaredevice", bsdb.HardwareDevices),
	"consumable":          attrOf("consumable", "consumables", "consumable", bsdb.Consumables),
	"behavioralparadigm":  attrOf("behavioralparadigm", "behavioral_paradigms", "behavioral_paradigm", bsdb.BehavioralParadigms),
	"behavioralcategory":  attrOf("behavioralcategory", "behavioral_categories", "behavioral_category", bsdb.BehavioralCategories),
	"setuptype":           attrOf("setuptype", "setup_types", "setup_type", bsdb.SetupTypes),
	"brainregion":         attrOf("brainregion", "brain_regions", "brain_region", bsdb.BrainRegions),
	"regulatoryauthority": attrOf("regulatoryauthority", "regulatoryauthorities", "regulatoryauthority", bsdb.RegulatoryAuthorities),
}

// attributeLoaders are the include[] loaders of these models.
func attributeLoaders() map[string]func(*Handlers, context.Context, *request, []string) (map[string]object, error) {
	out := map[string]func(*Handlers, context.Context, *request, []string) (map[string]object, error){}
	for name, m := range attrModels {
		out[name] = m.load
	}
	return out
}

func init() {
	for _, name := range []string{"hardwaredevice", "consumable"} {
		computed[name+".rrid_url"] = func(v, _ any, _ *request) any { return rridURL(v.(*string)) }
	}
	for _, name := range []string{"setup.image", "license.license_document"} {
		computed[name] = func(any, any, *request) any { return nil }
	}
}

func (h *Handlers) attrList(ctx context.Context, model string, p pageParams) (response, error) {
	return attrModels[model].list(h, ctx, p)
}

func (h *Handlers) attrGet(ctx context.Context, model, id string) (response, error) {
	return attrModels[model].get(h, ctx, id)
}

// attrSave creates (id "") or changes a record of model from body, a
// generated request body the spec has validated, through the generic
// write path (write.go); full (POST, PUT) gives the absent writable fields
// their defaults. It answers the saved record under the model's detail key
// as the caller now sees it.
func (h *Handlers) attrSave(ctx context.Context, model, id string, body any, full bool) (response, error) {
	ch, err := decodeBody(model, body, full)
	if err != nil {
		return response{}, err
	}
	uid := requestFrom(ctx).userID()
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
		id, err = h.db.CreateRecord(ctx, uid, model, ch)
	} else {
		err = h.db.UpdateRecord(ctx, uid, model, id, ch)
	}
	if err != nil {
		return response{}, err
	}
	res, err := h.attrGet(ctx, model, id)
	res.status = status
	return res, err
}

func (h *Handlers) attrDelete(ctx context.Context, model, id string) error {
	return deleteRecord(ctx, h, model, id)
}

// AttributeChange decodes body, one object with the create fields of model
// (a resource or taxonomy), as a PATCH body: only the fields present. The
// caller validates body against the spec first. `sessionhub import` uses it.
func AttributeChange(model string, body map[string]any) (bsdb.Change, error) {
	if !bsdb.IsAttributeModel(model) {
		return bsdb.Change{}, fmt.Errorf("unknown model %q", model)
	}
	return decodeBody(model, body, false)
}

package brainstem

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/server/brainstem/typeschema"
	"github.com/sessionhub/sessionhub/store"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// The modules (behavior, dataacquisition, manipulation, procedure,
// equipment, consumablestock) are read
// and written from their registry descriptors: a request body is decoded
// field by field by kind, `type` + `details` (and the coordinates of a
// procedure) are checked against the published schemas (typeschema), and
// the store saves what the descriptor says.

// moduleKeys are the envelope keys of each module: detail, list
// (docs/api/modules/*.md response examples).
var moduleKeys = map[string][2]string{
	"behavior":        {"behavior", "behaviors"},
	"dataacquisition": {"data_acquisition", "data_acquisitions"},
	"manipulation":    {"manipulation", "manipulations"},
	"procedure":       {"procedure", "procedures"},
	"equipment":       {"equipment", "equipment"},
	"consumablestock": {"consumable stock", "consumable stocks"},
	"procedurelog":    {"procedure_log", "procedure_logs"},
	"subjectlog":      {"subject_log", "subject_logs"},
}

// moduleSchemas names the type-schema checks of each module: the
// selector, version and payload fields validated together.
var moduleSchemas = map[string][][3]string{
	"dataacquisition": {{"type", "type_schema_version", "details"}},
	"manipulation":    {{"type", "type_schema_version", "details"}},
	"procedure": {{"type", "type_schema_version", "details"},
		{"coordinates_system", "coordinates_schema_version", "coordinates_details"}},
	"consumablestock": {{"type", "type_schema_version", "details"}},
	"equipment": {{"type", "type_schema_version", "details"},
		{"coordinates_system", "coordinates_schema_version", "coordinates_details"}},
}

func fetchModules(model string) func(*bsdb.Store, context.Context, bsdb.Viewer, []string) ([]bsdb.ModuleRecord, error) {
	return func(s *bsdb.Store, ctx context.Context, v bsdb.Viewer, ids []string) ([]bsdb.ModuleRecord, error) {
		return s.ModulesByID(ctx, v, model, ids)
	}
}

// addModuleLoaders adds the modules' include[] loaders to loaders.
func addModuleLoaders() {
	for model := range moduleKeys {
		loaders[model] = loader(model, fetchModules(model))
	}
}

func (h *Handlers) listModules(ctx context.Context, model string, p pageParams) (response, error) {
	return listRecords(ctx, h, p, model, moduleKeys[model][1],
		func(ctx context.Context, v bsdb.Viewer, q bsdb.ListQuery, page bsdb.Page) ([]bsdb.ModuleRecord, int64, error) {
			return h.db.ListModules(ctx, v, model, q, page)
		})
}

func (h *Handlers) getModule(ctx context.Context, model, id string) (response, error) {
	r := requestFrom(ctx)
	q, err := parseListQuery(model, r.query, nil, nil)
	if err != nil {
		return response{}, err
	}
	rec, err := h.db.GetModule(ctx, r.viewer(), model, id)
	if err != nil {
		return response{}, err
	}
	objs, err := renderRecords(h, ctx, r, model, []bsdb.ModuleRecord{*rec}, q.Include, q.Exclude)
	if err != nil {
		return response{}, err
	}
	return ok(object{{moduleKeys[model][0], objs[0]}}), nil
}

// saveModule decodes body (the generated request body) along model's
// descriptor, checks its type schemas and saves it (id "" creates).
func (h *Handlers) saveModule(ctx context.Context, model, id string, body any) (response, error) {
	r := requestFrom(ctx)
	in, err := moduleInput(model, body)
	if err != nil {
		return response{}, err
	}
	var old *bsdb.ModuleRecord
	if id != "" {
		if old, err = h.db.GetModule(ctx, bsdb.Viewer{UserID: r.userID()}, model, id); err != nil {
			return response{}, err
		}
	}
	if err := checkModuleSchemas(model, in, old); err != nil {
		return response{}, err
	}
	rec, err := h.db.SaveModule(ctx, r.userID(), model, id, in)
	if err != nil {
		return response{}, err
	}
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
	}
	return response{status: status, body: object{{moduleKeys[model][0], recordObject(bsdb.ModelNamed(model), rec, r, nil)}}}, nil
}

// moduleInput turns a generated request body into the store's input: the
// fields sent, by the kind of each writable field of model.
func moduleInput(model string, body any) (bsdb.ModuleInput, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	var sent map[string]json.RawMessage
	if err := json.Unmarshal(b, &sent); err != nil {
		return nil, err
	}
	m := bsdb.ModelNamed(model)
	in := bsdb.ModuleInput{}
	for i := range m.Fields {
		f := &m.Fields[i]
		raw, ok := sent[f.Name]
		if !ok || f.ReadOnly {
			continue
		}
		null := string(raw) == "null"
		var err error
		switch f.Kind {
		case bsdb.ToMany:
			var ids []string
			err = json.Unmarshal(raw, &ids)
			for j := range ids {
				ids[j] = strings.ToLower(ids[j])
			}
			in[f.Name] = ids
		case bsdb.UUIDList:
			var ids []string
			err = json.Unmarshal(raw, &ids)
			for j := range ids {
				ids[j] = strings.ToLower(ids[j])
			}
			in[f.Name] = jsonText(ids)
		case bsdb.JSON, bsdb.JSONList:
			in[f.Name] = string(raw)
		case bsdb.Int:
			var n int64
			err = json.Unmarshal(raw, &n)
			in[f.Name] = n
		case bsdb.DateTime:
			var t *time.Time
			err = json.Unmarshal(raw, &t)
			if t != nil {
				u := t.UTC()
				t = &u
			}
			in[f.Name] = t
		default: // text, UUID, to-one id
			var s *string
			err = json.Unmarshal(raw, &s)
			if s != nil && (f.Kind == bsdb.UUID || f.Kind == bsdb.ToOne) {
				l := strings.ToLower(*s)
				s = &l
			}
			switch {
			case f.Nullable:
				in[f.Name] = s
			case !null:
				in[f.Name] = *s
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return in, nil
}

// checkModuleSchemas validates each (selector, version, payload) of model
// that the request touches against the published schema, with what old
// (nil on create) has for the parts not sent, and stores the version
// validated. A payload not sent on create is not checked (its default is
// empty), but its selector and version are.
func checkModuleSchemas(model string, in bsdb.ModuleInput, old *bsdb.ModuleRecord) error {
	m := bsdb.ModelNamed(model)
	for _, c := range moduleSchemas[model] {
		sel, ver, pay := c[0], c[1], c[2]
		_, selSent := in[sel]
		_, verSent := in[ver]
		_, paySent := in[pay]
		if old != nil && !selSent && !verSent && !paySent {
			continue
		}
		get := func(name string) string {
			if v, ok := in[name].(string); ok {
				return v
			}
			if old != nil {
				if v, ok := old.Value(m, name).(string); ok {
					return v
				}
			}
			return ""
		}
		typ, payload := get(sel), get(pay)
		version := ""
		if verSent || (old != nil && !selSent) {
			version = get(ver)
		}
		if payload == "" {
			payload = "{}"
			if m.Field(pay).Kind == bsdb.JSONList {
				payload = "[]"
			}
		}
		validate := typeschema.Validate
		if sel == "coordinates_system" {
			validate = func(_, typ, version string, details any) (string, error) {
				return typeschema.ValidateCoordinates(typ, version, details)
			}
		}
		got, err := validate(model, typ, version, json.RawMessage(payload))
		var te *typeschema.Error
		if errors.As(err, &te) {
			if _, onPayload := te.Fields[pay]; onPayload && !paySent {
				err, got = nil, version
				if got == "" {
					got = typeschema.DefaultVersion(typeGroup(model, sel), typ)
				}
			} else {
				return &store.ValidationError{Fields: te.Fields}
			}
		}
		if err != nil {
			return err
		}
		in[ver] = got
	}
	return nil
}

// typeGroup is the typeschema group of a selector field of model.
func typeGroup(model, sel string) string {
	if sel == "coordinates_system" {
		return typeschema.CoordinatesGroup
	}
	return model
}

func (h *Handlers) deleteModule(ctx context.Context, model, id string) error {
	return h.db.DeleteModule(ctx, requestFrom(ctx).userID(), model, id)
}

// ListBehaviors lists the behaviors of the caller's sessions.
func (h *Handlers) ListBehaviors(ctx context.Context, req brainstemapi.ListBehaviorsRequestObject) (brainstemapi.ListBehaviorsResponseObject, error) {
	return h.listModules(ctx, "behavior", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListBehaviors lists the behaviors of public projects' sessions.
func (h *Handlers) PublicListBehaviors(ctx context.Context, req brainstemapi.PublicListBehaviorsRequestObject) (brainstemapi.PublicListBehaviorsResponseObject, error) {
	return h.listModules(ctx, "behavior", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetBehavior returns one behavior of the caller's sessions.
func (h *Handlers) GetBehavior(ctx context.Context, req brainstemapi.GetBehaviorRequestObject) (brainstemapi.GetBehaviorResponseObject, error) {
	return h.getModule(ctx, "behavior", req.Id.String())
}

// PublicGetBehavior returns one behavior of a public project's session.
func (h *Handlers) PublicGetBehavior(ctx context.Context, req brainstemapi.PublicGetBehaviorRequestObject) (brainstemapi.PublicGetBehaviorResponseObject, error) {
	return h.getModule(ctx, "behavior", req.Id.String())
}

// CreateBehavior creates a behavior (201).
func (h *Handlers) CreateBehavior(ctx context.Context, req brainstemapi.CreateBehaviorRequestObject) (brainstemapi.CreateBehaviorResponseObject, error) {
	return h.saveModule(ctx, "behavior", "", req.Body)
}

// UpdateBehavior changes the fields sent (PATCH).
func (h *Handlers) UpdateBehavior(ctx context.Context, req brainstemapi.UpdateBehaviorRequestObject) (brainstemapi.UpdateBehaviorResponseObject, error) {
	return h.saveModule(ctx, "behavior", req.Id.String(), req.Body)
}

// DeleteBehavior deletes a behavior (204).
func (h *Handlers) DeleteBehavior(ctx context.Context, req brainstemapi.DeleteBehaviorRequestObject) (brainstemapi.DeleteBehaviorResponseObject, error) {
	if err := h.deleteModule(ctx, "behavior", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteBehavior204Response{}, nil
}

// ListDataAcquisitions lists the data acquisitions of the caller's sessions.
func (h *Handlers) ListDataAcquisitions(ctx context.Context, req brainstemapi.ListDataAcquisitionsRequestObject) (brainstemapi.ListDataAcquisitionsResponseObject, error) {
	return h.listModules(ctx, "dataacquisition", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListDataAcquisitions lists the data acquisitions of public projects' sessions.
func (h *Handlers) PublicListDataAcquisitions(ctx context.Context, req brainstemapi.PublicListDataAcquisitionsRequestObject) (brainstemapi.PublicListDataAcquisitionsResponseObject, error) {
	return h.listModules(ctx, "dataacquisition", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetDataAcquisition returns one data acquisition of the caller's sessions.
func (h *Handlers) GetDataAcquisition(ctx context.Context, req brainstemapi.GetDataAcquisitionRequestObject) (brainstemapi.GetDataAcquisitionResponseObject, error) {
	return h.getModule(ctx, "dataacquisition", req.Id.String())
}

// PublicGetDataAcquisition returns one data acquisition of a public project's session.
func (h *Handlers) PublicGetDataAcquisition(ctx context.Context, req brainstemapi.PublicGetDataAcquisitionRequestObject) (brainstemapi.PublicGetDataAcquisitionResponseObject, error) {
	return h.getModule(ctx, "dataacquisition", req.Id.String())
}

// CreateDataAcquisition creates a data acquisition (201).
func (h *Handlers) CreateDataAcquisition(ctx context.Context, req brainstemapi.CreateDataAcquisitionRequestObject) (brainstemapi.CreateDataAcquisitionResponseObject, error) {
	return h.saveModule(ctx, "dataacquisition", "", req.Body)
}

// UpdateDataAcquisition changes the fields sent (PATCH).
func (h *Handlers) UpdateDataAcquisition(ctx context.Context, req brainstemapi.UpdateDataAcquisitionRequestObject) (brainstemapi.UpdateDataAcquisitionResponseObject, error) {
	return h.saveModule(ctx, "dataacquisition", req.Id.String(), req.Body)
}

// DeleteDataAcquisition deletes a data acquisition (204).
func (h *Handlers) DeleteDataAcquisition(ctx context.Context, req brainstemapi.DeleteDataAcquisitionRequestObject) (brainstemapi.DeleteDataAcquisitionResponseObject, error) {
	if err := h.deleteModule(ctx, "dataacquisition", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteDataAcquisition204Response{}, nil
}

// ListManipulations lists the manipulations of the caller's sessions.
func (h *Handlers) ListManipulations(ctx context.Context, req brainstemapi.ListManipulationsRequestObject) (brainstemapi.ListManipulationsResponseObject, error) {
	return h.listModules(ctx, "manipulation", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListManipulations lists the manipulations of public projects' sessions.
func (h *Handlers) PublicListManipulations(ctx context.Context, req brainstemapi.PublicListManipulationsRequestObject) (brainstemapi.PublicListManipulationsResponseObject, error) {
	return h.listModules(ctx, "manipulation", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetManipulation returns one manipulation of the caller's sessions.
func (h *Handlers) GetManipulation(ctx context.Context, req brainstemapi.GetManipulationRequestObject) (brainstemapi.GetManipulationResponseObject, error) {
	return h.getModule(ctx, "manipulation", req.Id.String())
}

// PublicGetManipulation returns one manipulation of a public project's session.
func (h *Handlers) PublicGetManipulation(ctx context.Context, req brainstemapi.PublicGetManipulationRequestObject) (brainstemapi.PublicGetManipulationResponseObject, error) {
	return h.getModule(ctx, "manipulation", req.Id.String())
}

// CreateManipulation creates a manipulation (201).
func (h *Handlers) CreateManipulation(ctx context.Context, req brainstemapi.CreateManipulationRequestObject) (brainstemapi.CreateManipulationResponseObject, error) {
	return h.saveModule(ctx, "manipulation", "", req.Body)
}

// UpdateManipulation changes the fields sent (PATCH).
func (h *Handlers) UpdateManipulation(ctx context.Context, req brainstemapi.UpdateManipulationRequestObject) (brainstemapi.UpdateManipulationResponseObject, error) {
	return h.saveModule(ctx, "manipulation", req.Id.String(), req.Body)
}

// DeleteManipulation deletes a manipulation (204).
func (h *Handlers) DeleteManipulation(ctx context.Context, req brainstemapi.DeleteManipulationRequestObject) (brainstemapi.DeleteManipulationResponseObject, error) {
	if err := h.deleteModule(ctx, "manipulation", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteManipulation204Response{}, nil
}

// ListProcedures lists the procedures of the caller's subjects.
func (h *Handlers) ListProcedures(ctx context.Context, req brainstemapi.ListProceduresRequestObject) (brainstemapi.ListProceduresResponseObject, error) {
	return h.listModules(ctx, "procedure", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListProcedures lists the procedures of public projects' subjects.
func (h *Handlers) PublicListProcedures(ctx context.Context, req brainstemapi.PublicListProceduresRequestObject) (brainstemapi.PublicListProceduresResponseObject, error) {
	return h.listModules(ctx, "procedure", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetProcedure returns one procedure of the caller's subjects.
func (h *Handlers) GetProcedure(ctx context.Context, req brainstemapi.GetProcedureRequestObject) (brainstemapi.GetProcedureResponseObject, error) {
	return h.getModule(ctx, "procedure", req.Id.String())
}

// PublicGetProcedure returns one procedure of a public project's subject.
func (h *Handlers) PublicGetProcedure(ctx context.Context, req brainstemapi.PublicGetProcedureRequestObject) (brainstemapi.PublicGetProcedureResponseObject, error) {
	return h.getModule(ctx, "procedure", req.Id.String())
}

// CreateProcedure creates a procedure (201).
func (h *Handlers) CreateProcedure(ctx context.Context, req brainstemapi.CreateProcedureRequestObject) (brainstemapi.CreateProcedureResponseObject, error) {
	return h.saveModule(ctx, "procedure", "", req.Body)
}

// UpdateProcedure changes the fields sent (PATCH).
func (h *Handlers) UpdateProcedure(ctx context.Context, req brainstemapi.UpdateProcedureRequestObject) (brainstemapi.UpdateProcedureResponseObject, error) {
	return h.saveModule(ctx, "procedure", req.Id.String(), req.Body)
}

// DeleteProcedure deletes a procedure (204) that no data acquisition or
// manipulation lists (400 naming them otherwise).
func (h *Handlers) DeleteProcedure(ctx context.Context, req brainstemapi.DeleteProcedureRequestObject) (brainstemapi.DeleteProcedureResponseObject, error) {
	if err := h.deleteModule(ctx, "procedure", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteProcedure204Response{}, nil
}

// The generated strict server asks each module operation's response for
// its own Visit method.

func (r response) VisitListBehaviorsResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitPublicListBehaviorsResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitGetBehaviorResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitPublicGetBehaviorResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitCreateBehaviorResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitUpdateBehaviorResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitListDataAcquisitionsResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitPublicListDataAcquisitionsResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetDataAcquisitionResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicGetDataAcquisitionResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitCreateDataAcquisitionResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitUpdateDataAcquisitionResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitListManipulationsResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitPublicListManipulationsResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetManipulationResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicGetManipulationResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitCreateManipulationResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitUpdateManipulationResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitListProceduresResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitPublicListProceduresResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetProcedureResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitPublicGetProcedureResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitCreateProcedureResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r response) VisitUpdateProcedureResponse(w http.ResponseWriter) error    { return r.visit(w) }

// ListEquipment lists the equipment of the caller's and the public setups.
func (h *Handlers) ListEquipment(ctx context.Context, req brainstemapi.ListEquipmentRequestObject) (brainstemapi.ListEquipmentResponseObject, error) {
	return h.listModules(ctx, "equipment", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListEquipment lists the equipment of public setups.
func (h *Handlers) PublicListEquipment(ctx context.Context, req brainstemapi.PublicListEquipmentRequestObject) (brainstemapi.PublicListEquipmentResponseObject, error) {
	return h.listModules(ctx, "equipment", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetEquipment returns one equipment of a setup the caller may see.
func (h *Handlers) GetEquipment(ctx context.Context, req brainstemapi.GetEquipmentRequestObject) (brainstemapi.GetEquipmentResponseObject, error) {
	return h.getModule(ctx, "equipment", req.Id.String())
}

// PublicGetEquipment returns one equipment of a public setup.
func (h *Handlers) PublicGetEquipment(ctx context.Context, req brainstemapi.PublicGetEquipmentRequestObject) (brainstemapi.PublicGetEquipmentResponseObject, error) {
	return h.getModule(ctx, "equipment", req.Id.String())
}

// CreateEquipment creates equipment in a setup the caller owns (201).
func (h *Handlers) CreateEquipment(ctx context.Context, req brainstemapi.CreateEquipmentRequestObject) (brainstemapi.CreateEquipmentResponseObject, error) {
	return h.saveModule(ctx, "equipment", "", req.Body)
}

// UpdateEquipment changes the fields sent (PATCH).
func (h *Handlers) UpdateEquipment(ctx context.Context, req brainstemapi.UpdateEquipmentRequestObject) (brainstemapi.UpdateEquipmentResponseObject, error) {
	return h.saveModule(ctx, "equipment", req.Id.String(), req.Body)
}

// DeleteEquipment deletes equipment (204) that no module lists (400 naming them otherwise).
func (h *Handlers) DeleteEquipment(ctx context.Context, req brainstemapi.DeleteEquipmentRequestObject) (brainstemapi.DeleteEquipmentResponseObject, error) {
	if err := h.deleteModule(ctx, "equipment", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteEquipment204Response{}, nil
}

func (r response) VisitListEquipmentResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitPublicListEquipmentResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitGetEquipmentResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitPublicGetEquipmentResponse(w http.ResponseWriter) error  { return r.visit(w) }
func (r response) VisitCreateEquipmentResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitUpdateEquipmentResponse(w http.ResponseWriter) error     { return r.visit(w) }

// ListConsumableStocks lists the consumable stocks of the caller's and the public inventories.
func (h *Handlers) ListConsumableStocks(ctx context.Context, req brainstemapi.ListConsumableStocksRequestObject) (brainstemapi.ListConsumableStocksResponseObject, error) {
	return h.listModules(ctx, "consumablestock", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListConsumableStocks lists the consumable stocks of public inventories.
func (h *Handlers) PublicListConsumableStocks(ctx context.Context, req brainstemapi.PublicListConsumableStocksRequestObject) (brainstemapi.PublicListConsumableStocksResponseObject, error) {
	return h.listModules(ctx, "consumablestock", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetConsumableStock returns one consumable stock of an inventory the caller may see.
func (h *Handlers) GetConsumableStock(ctx context.Context, req brainstemapi.GetConsumableStockRequestObject) (brainstemapi.GetConsumableStockResponseObject, error) {
	return h.getModule(ctx, "consumablestock", req.Id.String())
}

// PublicGetConsumableStock returns one consumable stock of a public inventory.
func (h *Handlers) PublicGetConsumableStock(ctx context.Context, req brainstemapi.PublicGetConsumableStockRequestObject) (brainstemapi.PublicGetConsumableStockResponseObject, error) {
	return h.getModule(ctx, "consumablestock", req.Id.String())
}

// CreateConsumableStock creates a consumable stock in an inventory the caller owns (201).
func (h *Handlers) CreateConsumableStock(ctx context.Context, req brainstemapi.CreateConsumableStockRequestObject) (brainstemapi.CreateConsumableStockResponseObject, error) {
	return h.saveModule(ctx, "consumablestock", "", req.Body)
}

// UpdateConsumableStock changes the fields sent (PATCH).
func (h *Handlers) UpdateConsumableStock(ctx context.Context, req brainstemapi.UpdateConsumableStockRequestObject) (brainstemapi.UpdateConsumableStockResponseObject, error) {
	return h.saveModule(ctx, "consumablestock", req.Id.String(), req.Body)
}

// DeleteConsumableStock deletes a consumable stock (204) that no procedure names (400 otherwise).
func (h *Handlers) DeleteConsumableStock(ctx context.Context, req brainstemapi.DeleteConsumableStockRequestObject) (brainstemapi.DeleteConsumableStockResponseObject, error) {
	if err := h.deleteModule(ctx, "consumablestock", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteConsumableStock204Response{}, nil
}

func (r response) VisitListConsumableStocksResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicListConsumableStocksResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetConsumableStockResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicGetConsumableStockResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitCreateConsumableStockResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitUpdateConsumableStockResponse(w http.ResponseWriter) error { return r.visit(w) }

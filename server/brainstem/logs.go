package brainstem

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/server/brainstem/typeschema"
	"github.com/sessionhub/sessionhub/store"
	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// The logs (procedurelog, subjectlog) are read like the modules (their
// envelope keys are in moduleKeys) and written by the generic write path
// (createRecord, updateRecord, deleteRecord); their `type` is checked here
// against the published types, and the entry actions (add_entry,
// change_entry, remove_entry) decode an entry and hand the store a check of
// its details against the log type's schema.

// createLog checks the log's type (400 listing the allowed ones) and
// creates it.
func (h *Handlers) createLog(ctx context.Context, model, typ string, body any) (response, error) {
	_, err := typeschema.Validate(model, typ, "", map[string]any{})
	var te *typeschema.Error
	if errors.As(err, &te) {
		if _, onType := te.Fields["type"]; onType {
			return response{}, &store.ValidationError{Fields: te.Fields}
		}
	} else if err != nil {
		return response{}, err
	}
	ch, err := decodeBody(model, body, true)
	if err != nil {
		return response{}, err
	}
	id, err := h.db.CreateRecord(ctx, requestFrom(ctx).userID(), model, ch)
	if err != nil {
		return response{}, err
	}
	res, err := logRecord(ctx, h, model, id)
	res.status = http.StatusCreated
	return res, err
}

// updateLog changes the fields body sends (PATCH).
func (h *Handlers) updateLog(ctx context.Context, model, id string, body any) (response, error) {
	ch, err := decodeBody(model, body, false)
	if err != nil {
		return response{}, err
	}
	if err := h.db.UpdateRecord(ctx, requestFrom(ctx).userID(), model, id, ch); err != nil {
		return response{}, err
	}
	return logRecord(ctx, h, model, id)
}

// logEntryAction runs one entry action on log id of model and answers the
// whole log.
func (h *Handlers) logEntryAction(ctx context.Context, model, id string, op bsdb.EntryOp, body *brainstemapi.LogEntryInput) (response, error) {
	e := bsdb.LogEntryChange{Op: op, DateTime: body.DateTime, StartDateTime: body.StartDateTime}
	if body.EndDateTime.IsSpecified() {
		e.EndSent = true
		if !body.EndDateTime.IsNull() {
			t := body.EndDateTime.MustGet().UTC()
			e.EndDateTime = &t
		}
	}
	if body.Notes.IsSpecified() {
		e.NotesSent = true
		if !body.Notes.IsNull() {
			n := body.Notes.MustGet()
			e.Notes = &n
		}
	}
	if body.Details != nil {
		e.Details = json.RawMessage(jsonText(*body.Details))
	}
	e.Validate = func(logType string, details json.RawMessage) error {
		_, err := typeschema.Validate(model, logType, "", details)
		var te *typeschema.Error
		if errors.As(err, &te) {
			return &store.ValidationError{Fields: te.Fields}
		}
		return err
	}
	if err := h.db.ChangeLogEntries(ctx, requestFrom(ctx).userID(), model, id, e); err != nil {
		return response{}, err
	}
	return logRecord(ctx, h, model, id)
}

// logRecord answers a log as the caller now sees it.
func logRecord(ctx context.Context, h *Handlers, model, id string) (response, error) {
	r := requestFrom(ctx)
	rec, err := h.db.GetModule(ctx, r.viewer(), model, id)
	if err != nil {
		return response{}, err
	}
	return ok(object{{moduleKeys[model][0], recordObject(bsdb.ModelNamed(model), rec, r, nil)}}), nil
}

// ListProcedureLogs lists the procedure logs of the caller's subjects.
func (h *Handlers) ListProcedureLogs(ctx context.Context, req brainstemapi.ListProcedureLogsRequestObject) (brainstemapi.ListProcedureLogsResponseObject, error) {
	return h.listModules(ctx, "procedurelog", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListProcedureLogs lists the procedure logs of public projects' subjects.
func (h *Handlers) PublicListProcedureLogs(ctx context.Context, req brainstemapi.PublicListProcedureLogsRequestObject) (brainstemapi.PublicListProcedureLogsResponseObject, error) {
	return h.listModules(ctx, "procedurelog", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetProcedureLog returns one procedure log of the caller's subjects.
func (h *Handlers) GetProcedureLog(ctx context.Context, req brainstemapi.GetProcedureLogRequestObject) (brainstemapi.GetProcedureLogResponseObject, error) {
	return h.getModule(ctx, "procedurelog", req.Id.String())
}

// PublicGetProcedureLog returns one procedure log of a public project's subject.
func (h *Handlers) PublicGetProcedureLog(ctx context.Context, req brainstemapi.PublicGetProcedureLogRequestObject) (brainstemapi.PublicGetProcedureLogResponseObject, error) {
	return h.getModule(ctx, "procedurelog", req.Id.String())
}

// CreateProcedureLog creates a procedure log without entries (201).
func (h *Handlers) CreateProcedureLog(ctx context.Context, req brainstemapi.CreateProcedureLogRequestObject) (brainstemapi.CreateProcedureLogResponseObject, error) {
	return h.createLog(ctx, "procedurelog", req.Body.Type, req.Body)
}

// UpdateProcedureLog changes the fields sent (PATCH; the type stays).
func (h *Handlers) UpdateProcedureLog(ctx context.Context, req brainstemapi.UpdateProcedureLogRequestObject) (brainstemapi.UpdateProcedureLogResponseObject, error) {
	return h.updateLog(ctx, "procedurelog", req.Id.String(), req.Body)
}

// DeleteProcedureLog deletes a procedure log and its entries (204).
func (h *Handlers) DeleteProcedureLog(ctx context.Context, req brainstemapi.DeleteProcedureLogRequestObject) (brainstemapi.DeleteProcedureLogResponseObject, error) {
	if err := deleteRecord(ctx, h, "procedurelog", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteProcedureLog204Response{}, nil
}

// AddEntryProcedureLog adds an entry to a procedure log.
func (h *Handlers) AddEntryProcedureLog(ctx context.Context, req brainstemapi.AddEntryProcedureLogRequestObject) (brainstemapi.AddEntryProcedureLogResponseObject, error) {
	return h.logEntryAction(ctx, "procedurelog", req.Id.String(), bsdb.AddEntry, req.Body)
}

// ChangeEntryProcedureLog changes an entry of a procedure log.
func (h *Handlers) ChangeEntryProcedureLog(ctx context.Context, req brainstemapi.ChangeEntryProcedureLogRequestObject) (brainstemapi.ChangeEntryProcedureLogResponseObject, error) {
	return h.logEntryAction(ctx, "procedurelog", req.Id.String(), bsdb.ChangeEntry, req.Body)
}

// RemoveEntryProcedureLog removes an entry of a procedure log.
func (h *Handlers) RemoveEntryProcedureLog(ctx context.Context, req brainstemapi.RemoveEntryProcedureLogRequestObject) (brainstemapi.RemoveEntryProcedureLogResponseObject, error) {
	return h.logEntryAction(ctx, "procedurelog", req.Id.String(), bsdb.RemoveEntry, req.Body)
}

// ListSubjectLogs lists the subject logs of the caller's subjects.
func (h *Handlers) ListSubjectLogs(ctx context.Context, req brainstemapi.ListSubjectLogsRequestObject) (brainstemapi.ListSubjectLogsResponseObject, error) {
	return h.listModules(ctx, "subjectlog", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListSubjectLogs lists the subject logs of public projects' subjects.
func (h *Handlers) PublicListSubjectLogs(ctx context.Context, req brainstemapi.PublicListSubjectLogsRequestObject) (brainstemapi.PublicListSubjectLogsResponseObject, error) {
	return h.listModules(ctx, "subjectlog", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetSubjectLog returns one subject log of the caller's subjects.
func (h *Handlers) GetSubjectLog(ctx context.Context, req brainstemapi.GetSubjectLogRequestObject) (brainstemapi.GetSubjectLogResponseObject, error) {
	return h.getModule(ctx, "subjectlog", req.Id.String())
}

// PublicGetSubjectLog returns one subject log of a public project's subject.
func (h *Handlers) PublicGetSubjectLog(ctx context.Context, req brainstemapi.PublicGetSubjectLogRequestObject) (brainstemapi.PublicGetSubjectLogResponseObject, error) {
	return h.getModule(ctx, "subjectlog", req.Id.String())
}

// CreateSubjectLog creates a subject log without entries, kept by the
// caller (201).
func (h *Handlers) CreateSubjectLog(ctx context.Context, req brainstemapi.CreateSubjectLogRequestObject) (brainstemapi.CreateSubjectLogResponseObject, error) {
	return h.createLog(ctx, "subjectlog", req.Body.Type, req.Body)
}

// UpdateSubjectLog changes the fields sent (PATCH; the type stays).
func (h *Handlers) UpdateSubjectLog(ctx context.Context, req brainstemapi.UpdateSubjectLogRequestObject) (brainstemapi.UpdateSubjectLogResponseObject, error) {
	return h.updateLog(ctx, "subjectlog", req.Id.String(), req.Body)
}

// DeleteSubjectLog deletes a subject log and its entries (204).
func (h *Handlers) DeleteSubjectLog(ctx context.Context, req brainstemapi.DeleteSubjectLogRequestObject) (brainstemapi.DeleteSubjectLogResponseObject, error) {
	if err := deleteRecord(ctx, h, "subjectlog", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSubjectLog204Response{}, nil
}

// AddEntrySubjectLog adds an entry to a subject log.
func (h *Handlers) AddEntrySubjectLog(ctx context.Context, req brainstemapi.AddEntrySubjectLogRequestObject) (brainstemapi.AddEntrySubjectLogResponseObject, error) {
	return h.logEntryAction(ctx, "subjectlog", req.Id.String(), bsdb.AddEntry, req.Body)
}

// ChangeEntrySubjectLog changes an entry of a subject log.
func (h *Handlers) ChangeEntrySubjectLog(ctx context.Context, req brainstemapi.ChangeEntrySubjectLogRequestObject) (brainstemapi.ChangeEntrySubjectLogResponseObject, error) {
	return h.logEntryAction(ctx, "subjectlog", req.Id.String(), bsdb.ChangeEntry, req.Body)
}

// RemoveEntrySubjectLog removes an entry of a subject log.
func (h *Handlers) RemoveEntrySubjectLog(ctx context.Context, req brainstemapi.RemoveEntrySubjectLogRequestObject) (brainstemapi.RemoveEntrySubjectLogResponseObject, error) {
	return h.logEntryAction(ctx, "subjectlog", req.Id.String(), bsdb.RemoveEntry, req.Body)
}

// The generated strict server asks each log operation's response for its
// own Visit method.

func (r response) VisitListProcedureLogsResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicListProcedureLogsResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetProcedureLogResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicGetProcedureLogResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitCreateProcedureLogResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitUpdateProcedureLogResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitAddEntryProcedureLogResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitChangeEntryProcedureLogResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitRemoveEntryProcedureLogResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitListSubjectLogsResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitPublicListSubjectLogsResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitGetSubjectLogResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitPublicGetSubjectLogResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitCreateSubjectLogResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitUpdateSubjectLogResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitAddEntrySubjectLogResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r response) VisitChangeEntrySubjectLogResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitRemoveEntrySubjectLogResponse(w http.ResponseWriter) error { return r.visit(w) }

package atlas

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/gen/atlasapi"
	"github.com/sessionhub/sessionhub/store"
)

// problemContentType is the media type of every Atlas error body.
const problemContentType = "application/problem+json"

// wwwAuthenticate is sent with every 401.
const wwwAuthenticate = `Bearer realm="sessionhub"`

// HandleError renders err as RFC 9457 problem details, the Atlas API's one
// error shape. It is the only place where Atlas errors become responses
// (every group of the API answers through it; problemWriter uses its
// problemFor for the errors of a download under way):
// validator errors name each failing field, store errors map to their
// statuses, Echo's HTTP errors keep their codes and anything else is a
// logged 500 without internals. It reports false when it did not write a
// response.
func HandleError(err error, c echo.Context, log *slog.Logger) bool {
	if c.Response().Committed {
		return true
	}
	p := problemFor(err)
	if p.Status >= http.StatusInternalServerError {
		log.ErrorContext(c.Request().Context(), "atlas: internal error", "error", err,
			"id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	if p.Status == http.StatusUnauthorized {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, wwwAuthenticate)
	}
	writeProblem(c.Response(), p)
	return true
}

// writeProblem writes p (already complete) as the whole response.
func writeProblem(w http.ResponseWriter, p atlasapi.Problem) {
	body, err := json.Marshal(p)
	if err != nil { // cannot happen for this type
		body = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500}`)
	}
	w.Header().Set(echo.HeaderContentType, problemContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}

// newProblem returns a problem for status with an optional detail and
// field errors.
func newProblem(status int, detail string, fields []atlasapi.FieldError) atlasapi.Problem {
	p := atlasapi.Problem{Type: "about:blank", Title: http.StatusText(status), Status: status}
	if detail != "" {
		p.Detail = &detail
	}
	if len(fields) > 0 {
		p.Errors = &fields
	}
	return p
}

// errNotMultipart means the upload body is not multipart/form-data;
// errBodyTooLarge that a JSON body is over maxJSONBody; errRequestTooLarge
// that an upload request is over the server's per-request limit.
// errRangeNotSatisfiable that a download's Range cannot be served.
var (
	errRangeNotSatisfiable = errors.New("atlas: range not satisfiable")
	errNotMultipart        = errors.New("atlas: not multipart")
	errBodyTooLarge        = errors.New("atlas: JSON body too large")
	errRequestTooLarge     = errors.New("atlas: upload request too large")
)

// badMultipartError wraps a failure to read the multipart body.
type badMultipartError struct{ err error }

func (e *badMultipartError) Error() string {
	return "atlas: malformed multipart body: " + e.err.Error()
}
func (e *badMultipartError) Unwrap() error { return e.err }

// problemFor maps any error to its problem.
func problemFor(err error) atlasapi.Problem {
	var (
		he   *echo.HTTPError
		verr *store.ValidationError
		merr *badMultipartError
		me   openapi3.MultiError
		mbe  *http.MaxBytesError
	)
	switch {
	case store.IsStorageFull(err):
		return newProblem(http.StatusInsufficientStorage, "The server has no room to store this; try again later.", nil)
	case errors.Is(err, store.ErrBusy):
		return newProblem(http.StatusServiceUnavailable, "Too many concurrent changes to the same records; nothing was stored, try again.", nil)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return newProblem(http.StatusRequestTimeout, "The request body stopped arriving.", nil)
	case errors.Is(err, errRequestTooLarge), errors.As(err, &merr) && errors.As(merr, &mbe):
		return newProblem(http.StatusRequestEntityTooLarge, "The upload is larger than the server's per-request limit.", nil)
	case errors.As(err, &verr):
		return newProblem(http.StatusBadRequest, "The request is invalid.", validationFields(verr))
	case errors.Is(err, store.ErrNotFound):
		return newProblem(http.StatusNotFound, "No such resource.", nil)
	case errors.Is(err, errPreconditionFailed):
		return newProblem(http.StatusPreconditionFailed, "The record has changed since the ETag in If-Match was read.", nil)
	case errors.Is(err, errExportDenied):
		return newProblem(http.StatusForbidden, "The export URL is not valid: it has been changed, has expired, or its attachment was deleted.", nil)
	case errors.Is(err, store.ErrBlobTooLarge):
		return newProblem(http.StatusRequestEntityTooLarge, "A file is larger than the server's per-file upload limit.", nil)
	case errors.Is(err, errBodyTooLarge):
		return bodyTooLarge()
	case errors.Is(err, errRangeNotSatisfiable):
		return newProblem(http.StatusRequestedRangeNotSatisfiable, "The range cannot be satisfied.", nil)
	case errors.Is(err, http.ErrNotMultipart), errors.Is(err, errNotMultipart):
		return newProblem(http.StatusUnsupportedMediaType, "The body must be multipart/form-data.", nil)
	case errors.Is(err, http.ErrMissingBoundary), errors.As(err, &merr):
		return newProblem(http.StatusBadRequest, "The multipart body is malformed.",
			[]atlasapi.FieldError{{Field: "body", Message: "malformed multipart/form-data body"}})
	case errors.As(err, &he):
		if errors.As(he.Internal, &me) {
			return validatorProblem(me)
		}
		detail := ""
		if m, ok := he.Message.(string); ok && m != http.StatusText(he.Code) && he.Code < 500 {
			detail = m
		}
		switch he.Code {
		case http.StatusNotFound:
			detail = "No such resource."
		case http.StatusMethodNotAllowed:
			detail = "The method is not allowed for this resource."
		}
		return newProblem(he.Code, detail, nil)
	}
	return newProblem(http.StatusInternalServerError, "", nil)
}

// validationFields lists a store ValidationError's fields in a stable order.
func validationFields(v *store.ValidationError) []atlasapi.FieldError {
	keys := make([]string, 0, len(v.Fields))
	for k := range v.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []atlasapi.FieldError
	for _, k := range keys {
		for _, m := range v.Fields[k] {
			out = append(out, atlasapi.FieldError{Field: k, Message: m})
		}
	}
	return out
}

// prefixBadContentType starts kin-openapi's reason for a body of an
// undeclared media type.
const prefixBadContentType = "header Content-Type has unexpected value"

// validatorProblem turns the request validator's errors into one problem
// with an entry per failing field: 415 when the body has the wrong media
// type, else 400.
func validatorProblem(me openapi3.MultiError) atlasapi.Problem {
	var fields []atlasapi.FieldError
	for _, err := range me {
		var re *openapi3filter.RequestError
		if !errors.As(err, &re) {
			fields = append(fields, atlasapi.FieldError{Field: "request", Message: err.Error()})
			continue
		}
		var mbe *http.MaxBytesError
		switch {
		case errors.As(re.Err, &mbe):
			return bodyTooLarge()
		case re.Parameter != nil:
			fields = append(fields, paramFields(re)...)
		case re.RequestBody != nil && strings.HasPrefix(re.Reason, prefixBadContentType):
			return newProblem(http.StatusUnsupportedMediaType, "The body must be application/json.", nil)
		case re.RequestBody != nil:
			fields = append(fields, bodyFields(re)...)
		default:
			fields = append(fields, atlasapi.FieldError{Field: "request", Message: re.Error()})
		}
	}
	return newProblem(http.StatusBadRequest, "The request is invalid.", fields)
}

func bodyTooLarge() atlasapi.Problem {
	return newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("The body is larger than %d bytes.", maxJSONBody), nil)
}

// paramFields reports a failing path, query or header parameter.
func paramFields(re *openapi3filter.RequestError) []atlasapi.FieldError {
	name := re.Parameter.Name
	if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
		return []atlasapi.FieldError{{Field: name, Message: "this parameter is required"}}
	}
	var out []atlasapi.FieldError
	for _, se := range schemaErrors(re.Err) {
		out = append(out, atlasapi.FieldError{Field: name, Message: schemaMessage(se)})
	}
	if len(out) > 0 {
		return out
	}
	var pe *openapi3filter.ParseError
	msg := re.Reason
	if errors.As(re.Err, &pe) && pe.Reason != "" {
		msg = pe.Reason
	}
	if msg == "" {
		msg = "invalid value"
	}
	return []atlasapi.FieldError{{Field: name, Message: msg}}
}

// bodyFields reports a failing JSON body, naming each field by its path
// (title, attachments[1].attachment_id); "body" is the body as a whole.
func bodyFields(re *openapi3filter.RequestError) []atlasapi.FieldError {
	if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
		return []atlasapi.FieldError{{Field: "body", Message: "a request body is required"}}
	}
	ses := schemaErrors(re.Err)
	if len(ses) == 0 {
		msg := "malformed JSON"
		var pe *openapi3filter.ParseError
		if errors.As(re.Err, &pe) && pe.Cause != nil {
			msg += ": " + pe.Cause.Error()
		}
		return []atlasapi.FieldError{{Field: "body", Message: msg}}
	}
	out := make([]atlasapi.FieldError, 0, len(ses))
	for _, se := range ses {
		path := se.JSONPointer()
		msg := schemaMessage(se)
		if m := unsupportedProperty.FindStringSubmatch(se.Reason); m != nil {
			path = append(path, m[1])
			msg = "unknown field"
		}
		out = append(out, atlasapi.FieldError{Field: fieldName(path), Message: msg})
	}
	return out
}

var unsupportedProperty = regexp.MustCompile(`^property "(.*)" is unsupported$`)

// schemaErrors flattens err into its schema errors.
func schemaErrors(err error) []*openapi3.SchemaError {
	var out []*openapi3.SchemaError
	var walk func(error)
	walk = func(err error) {
		var me openapi3.MultiError
		var se *openapi3.SchemaError
		switch {
		case err == nil:
		case errors.As(err, &me):
			for _, e := range me {
				walk(e)
			}
		case errors.As(err, &se):
			out = append(out, se)
		}
	}
	walk(err)
	return out
}

// schemaMessage is a schema error's message without the failing value.
func schemaMessage(se *openapi3.SchemaError) string {
	if m := missingProperty.FindStringSubmatch(se.Reason); m != nil {
		return "this field is required"
	}
	if se.Reason != "" {
		return se.Reason
	}
	return "does not match the schema (" + se.SchemaField + ")"
}

var missingProperty = regexp.MustCompile(`^property "(.*)" is missing$`)

// fieldName renders a JSON pointer as a field name: attachments[1].attachment_id.
func fieldName(path []string) string {
	if len(path) == 0 {
		return "body"
	}
	var b strings.Builder
	for _, p := range path {
		if _, err := strconv.Atoi(p); err == nil && b.Len() > 0 {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

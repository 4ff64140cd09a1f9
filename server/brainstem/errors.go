package brainstem

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/store"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// Django REST framework's messages.
const (
	msgNotAuthenticated = "Authentication credentials were not provided."
	msgInvalidToken     = "Invalid token."
	msgTokenExpired     = "Token has expired."
	msgForbidden        = "You do not have permission to perform this action."
	msgNotFound         = "Not found."
	msgBusy             = "Too many concurrent changes to the same records; nothing was stored, try again."
	msgRequired         = "This field is required."
	msgBlank            = "This field may not be blank."
	msgNull             = "This field may not be null."
	msgEmptyList        = "This list may not be empty."
	msgBadURL           = "Enter a valid URL."
	msgBadDateTime      = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
	msgBadDate          = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
	msgServerError      = "A server error occurred."
	msgNoBody           = "JSON parse error - Expecting value: line 1 column 1 (char 0)"
	msgBadCredentials   = "No active account found with the given credentials"
	msgTooLarge         = "Request body too large."
	msgStorageFull      = "Insufficient storage: the server has no room to store this; try again later."
	msgTimeout          = "Request timeout: the request body stopped arriving."
	msgReferenced       = "This record cannot be deleted: other records refer to it."
)

// apiError is a response already in Django REST framework's shape; only
// this file builds them.
type apiError struct {
	status int
	body   any
}

func (e *apiError) Error() string {
	b, _ := json.Marshal(e.body)
	return fmt.Sprintf("brainstem: %d %s", e.status, b)
}

func detailError(status int, msg string) *apiError {
	return &apiError{status: status, body: map[string]string{"detail": msg}}
}

// Errors the handlers and middleware return, worded here.
var (
	// errBadCredentials: a login's e-mail and password do not match (401).
	errBadCredentials = errors.New("brainstem: bad credentials")
	// errPreconditionFailed: If-Match names none of the record's ETags (412).
	errPreconditionFailed = errors.New("brainstem: precondition failed")
)

// validationFailure is an error of the request validator, mapped by
// validatorResponse.
type validationFailure struct{ he *echo.HTTPError }

func (v *validationFailure) Error() string { return "brainstem: invalid request: " + v.he.Error() }
func (v *validationFailure) Unwrap() error { return v.he }

// markValidation is the validator's ErrorHandler: it only marks the error
// as the validator's, for errorResponse.
func markValidation(_ echo.Context, he *echo.HTTPError) error { return &validationFailure{he: he} }

// HandleError renders err in Django REST framework's shapes: field errors
// as {"field": ["msg"]}, query errors as a bare list, everything else as
// {"detail": "msg"}. Unknown errors are logged and answer 500 without
// internals. It is the BrainSTEM API's one error mapping (every group of
// the API answers through it). It always writes a response and reports true.
func HandleError(err error, c echo.Context, log *slog.Logger) bool {
	status, body := errorResponse(err, c.Request())
	if status >= 500 {
		log.ErrorContext(c.Request().Context(), "brainstem: unhandled error", "error", err,
			"method", c.Request().Method, "path", c.Request().URL.Path)
	}
	if status == http.StatusUnauthorized {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="api"`)
	}
	var te *auth.Throttled
	if errors.As(err, &te) {
		c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(te.Seconds()))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return true
	}
	_ = writeJSON(c.Response(), status, body)
	return true
}

// errorResponse maps any error to its status and DRF body; r is the
// request (its method and Content-Type are quoted in some messages).
func errorResponse(err error, r *http.Request) (int, any) {
	var ae *apiError
	var vf *validationFailure
	var ve *store.ValidationError
	var qe *queryError
	var he *echo.HTTPError
	var te *auth.Throttled
	var referenced *bsdb.ReferencedError
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.body
	case errors.As(err, &vf):
		ae := validatorResponse(vf.he, r)
		return ae.status, ae.body
	case errors.Is(err, errBadCredentials):
		return http.StatusUnauthorized, map[string]string{"detail": msgBadCredentials}
	case errors.Is(err, errPreconditionFailed):
		return http.StatusPreconditionFailed, map[string]string{"detail": msgPreconditionFailed}
	case errors.As(err, &te):
		return http.StatusTooManyRequests, map[string]string{"detail": te.Message()}
	case errors.As(err, &ve):
		return http.StatusBadRequest, ve.Fields
	case errors.As(err, &qe):
		return http.StatusBadRequest, qe.body
	case errors.Is(err, bsdb.ErrQueryTooLarge):
		return http.StatusBadRequest, []string{msgTooManyValues}
	case store.IsStorageFull(err):
		return http.StatusInsufficientStorage, map[string]string{"detail": msgStorageFull}
	case errors.Is(err, store.ErrBusy):
		return http.StatusServiceUnavailable, map[string]string{"detail": msgBusy}
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, map[string]string{"detail": msgNotFound}
	case errors.As(err, &referenced):
		return http.StatusBadRequest, map[string]string{"detail": referenced.Detail}
	case errors.Is(err, bsdb.ErrReferenced):
		return http.StatusBadRequest, map[string]string{"detail": msgReferenced}
	case errors.Is(err, store.ErrForbidden):
		return http.StatusForbidden, map[string]string{"detail": msgForbidden}
	case errors.Is(err, auth.ErrNoCredentials):
		return http.StatusUnauthorized, map[string]string{"detail": msgNotAuthenticated}
	case errors.Is(err, store.ErrTokenExpired):
		return http.StatusUnauthorized, map[string]string{"detail": msgTokenExpired}
	case errors.Is(err, store.ErrUnauthorized):
		return http.StatusUnauthorized, map[string]string{"detail": msgInvalidToken}
	case errors.As(err, &he):
		return httpErrorResponse(he, r)
	}
	return http.StatusInternalServerError, map[string]string{"detail": msgServerError}
}

// httpErrorResponse words Echo's own errors (routing, binding, body limit) like DRF.
func httpErrorResponse(he *echo.HTTPError, r *http.Request) (int, any) {
	switch he.Code {
	case http.StatusNotFound:
		return he.Code, map[string]string{"detail": msgNotFound}
	case http.StatusMethodNotAllowed:
		ae := methodNotAllowed(r.Method)
		return ae.status, ae.body
	case http.StatusBadRequest:
		msg := fmt.Sprint(he.Message)
		if he.Internal != nil {
			msg = he.Internal.Error()
		}
		return he.Code, map[string]string{"detail": "JSON parse error - " + msg}
	case http.StatusUnsupportedMediaType:
		return he.Code, map[string]string{"detail": "Unsupported media type in request."}
	case http.StatusRequestEntityTooLarge:
		return he.Code, map[string]string{"detail": msgTooLarge}
	}
	if he.Code >= 500 {
		return http.StatusInternalServerError, map[string]string{"detail": msgServerError}
	}
	msg, ok := he.Message.(string)
	if !ok || msg == "" {
		msg = http.StatusText(he.Code)
	}
	return he.Code, map[string]string{"detail": msg}
}

// methodNotAllowed is DRF's 405 body.
func methodNotAllowed(method string) *apiError {
	return detailError(http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", method))
}

// validatorResponse turns the request validator's errors into DRF's shapes:
// a bad path parameter (malformed UUID) is 404, bad query parameters a bare
// list of messages, body schema errors a field map, an unreadable body
// {"detail": "JSON parse error - …"}.
func validatorResponse(he *echo.HTTPError, r *http.Request) *apiError {
	switch he.Code {
	case http.StatusNotFound:
		return detailError(http.StatusNotFound, msgNotFound)
	case http.StatusMethodNotAllowed:
		return methodNotAllowed(r.Method)
	}
	// Reading the body failed: over the body limit (a chunked body is
	// only found to be so while it is read) or stalled past the deadline.
	var inner *echo.HTTPError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(he.Internal, &inner) && inner.Code == http.StatusRequestEntityTooLarge, errors.As(he.Internal, &mbe):
		return detailError(http.StatusRequestEntityTooLarge, msgTooLarge)
	case errors.Is(he.Internal, os.ErrDeadlineExceeded):
		return detailError(http.StatusRequestTimeout, msgTimeout)
	}
	var errs []error
	var me openapi3.MultiError
	if errors.As(he.Internal, &me) {
		errs = me
	} else if he.Internal != nil {
		errs = []error{he.Internal}
	}
	fields := map[string]any{}
	var query []string
	for _, err := range errs {
		var re *openapi3filter.RequestError
		if !errors.As(err, &re) {
			continue
		}
		switch {
		case re.Parameter != nil && re.Parameter.In == "path":
			return detailError(http.StatusNotFound, msgNotFound)
		case re.Parameter != nil:
			query = append(query, queryParamMessage(re))
		case strings.HasPrefix(re.Reason, "header Content-Type"):
			return detailError(http.StatusUnsupportedMediaType,
				fmt.Sprintf("Unsupported media type %q in request.", r.Header.Get(echo.HeaderContentType)))
		case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
			return detailError(http.StatusBadRequest, msgNoBody)
		default:
			var schemaErrs []*openapi3.SchemaError
			collectSchemaErrors(re.Err, &schemaErrs)
			if len(schemaErrs) == 0 {
				return detailError(http.StatusBadRequest, "JSON parse error - "+parseErrorText(re))
			}
			for _, se := range schemaErrs {
				addFieldError(fields, se)
			}
		}
	}
	switch {
	case len(query) > 0:
		return &apiError{status: http.StatusBadRequest, body: query}
	case len(fields) > 0:
		return &apiError{status: http.StatusBadRequest, body: fields}
	}
	return detailError(http.StatusBadRequest, "Invalid request.")
}

func collectSchemaErrors(err error, out *[]*openapi3.SchemaError) {
	var me openapi3.MultiError
	var se *openapi3.SchemaError
	switch {
	case errors.As(err, &me):
		for _, e := range me {
			collectSchemaErrors(e, out)
		}
	case errors.As(err, &se):
		*out = append(*out, se)
	}
}

func parseErrorText(re *openapi3filter.RequestError) string {
	if re.Err == nil {
		return re.Reason
	}
	var pe *openapi3filter.ParseError
	if errors.As(re.Err, &pe) && pe.Cause != nil {
		return pe.Cause.Error()
	}
	return re.Err.Error()
}

func queryParamMessage(re *openapi3filter.RequestError) string {
	p := re.Parameter
	if p.Schema != nil && p.Schema.Value != nil {
		var se *openapi3.SchemaError
		if errors.As(re.Err, &se) && se.SchemaField == "minimum" {
			return fmt.Sprintf("Invalid %s: ensure this value is greater than or equal to %v.", p.Name, *p.Schema.Value.Min)
		}
		if errors.As(re.Err, &se) && se.SchemaField == "enum" {
			return fmt.Sprintf("Invalid %s: %q is not a valid choice.", p.Name, fmt.Sprint(se.Value))
		}
		if p.Schema.Value.Type.Is("integer") {
			return fmt.Sprintf("Invalid %s: a valid integer is required.", p.Name)
		}
	}
	return fmt.Sprintf("Invalid %s.", p.Name)
}

// addFieldError files one schema error under its top-level field. Errors
// inside the objects of a list (download_links, data_protocols) use DRF's
// nested form: a list with one error object per item.
func addFieldError(fields map[string]any, se *openapi3.SchemaError) {
	path := se.JSONPointer()
	msg := schemaMessage(se)
	if se.SchemaField == "required" && len(path) > 0 {
		// kin-openapi reports the missing property as the last path element.
		msg = msgRequired
	}
	if len(path) == 0 {
		appendMsg(fields, "non_field_errors", fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyType(se.Value)))
		return
	}
	field := path[0]
	if field == "extra_fields" && len(path) == 2 {
		// the value failed the oneOf of string and number
		appendMsg(fields, field, fmt.Sprintf("Invalid value for %q: values must be strings or numbers.", path[1]))
		return
	}
	if len(path) >= 3 {
		if idx, err := strconv.Atoi(path[1]); err == nil && idx < 10000 {
			items, _ := fields[field].([]map[string][]string)
			for len(items) <= idx {
				items = append(items, map[string][]string{})
			}
			items[idx][path[2]] = append(items[idx][path[2]], msg)
			fields[field] = items
			return
		}
	}
	appendMsg(fields, field, msg)
}

func appendMsg(fields map[string]any, field, msg string) {
	list, _ := fields[field].([]string)
	for _, m := range list {
		if m == msg {
			return
		}
	}
	fields[field] = append(list, msg)
}

// schemaMessage words one schema violation as DRF does.
func schemaMessage(se *openapi3.SchemaError) string {
	s := se.Schema
	switch se.SchemaField {
	case "required":
		return msgRequired
	case "maxLength":
		return fmt.Sprintf("Ensure this field has no more than %d characters.", *s.MaxLength)
	case "minLength":
		return msgBlank
	case "minItems":
		return msgEmptyList
	case "maxItems":
		return fmt.Sprintf("Ensure this field has no more than %d elements.", *s.MaxItems)
	case "minimum":
		return fmt.Sprintf("Ensure this value is greater than or equal to %v.", *s.Min)
	case "maximum":
		return fmt.Sprintf("Ensure this value is less than or equal to %v.", *s.Max)
	case "enum":
		return fmt.Sprintf("\"%v\" is not a valid choice.", se.Value)
	case "pattern":
		if strings.Contains(s.Pattern, "https?|ftp") {
			return msgBadURL
		}
		return "This value does not match the required pattern."
	case "format":
		switch s.Format {
		case "uuid":
			return fmt.Sprintf("“%v” is not a valid UUID.", se.Value)
		case "date-time":
			return msgBadDateTime
		case "date":
			return msgBadDate
		case "uri":
			return msgBadURL
		case "email":
			return "Enter a valid email address."
		}
		return "Invalid format."
	case "nullable":
		return msgNull
	case "additionalProperties":
		return "Unexpected field: " + se.Reason
	case "oneOf", "anyOf":
		return "Values must be strings or numbers."
	case "type":
		if se.Value == nil {
			return msgNull
		}
		return typeMessage(s, se.Value)
	}
	return se.Reason
}

func typeMessage(s *openapi3.Schema, v any) string {
	switch {
	case s.Type.Is("string"):
		return "Not a valid string."
	case s.Type.Is("array"):
		return fmt.Sprintf("Expected a list of items but got type %q.", pyType(v))
	case s.Type.Is("object"):
		return fmt.Sprintf("Expected a dictionary of items but got type %q.", pyType(v))
	case s.Type.Is("boolean"):
		return "Must be a valid boolean."
	case s.Type.Is("integer"):
		return "A valid integer is required."
	case s.Type.Is("number"):
		return "A valid number is required."
	}
	return "Invalid value."
}

// pyType names a decoded JSON value's type as Python would.
func pyType(v any) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case string:
		return "str"
	case bool:
		return "bool"
	case float64:
		if x == float64(int64(x)) {
			return "int"
		}
		return "float"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "float"
		}
		return "int"
	case []any:
		return "list"
	case map[string]any:
		return "dict"
	}
	return fmt.Sprintf("%T", v)
}

package atlas

import (
	"errors"
	"net/mail"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/sessionhub/sessionhub/server/validator"
)

// formatValidators check the string formats the spec uses (kin-openapi
// checks none of uuid and email by default). They are scoped to this API's
// validator rather than registered globally.
var formatValidators = []openapi3.SchemaValidationOption{
	openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(s string) error {
		if !validator.IsUUID(s, false) {
			return errors.New("must be a UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6")
		}
		return nil
	})),
	openapi3.WithStringFormatValidator("email", openapi3.NewCallbackValidator(func(s string) error {
		if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
			return errors.New("must be an email address")
		}
		return nil
	})),
	openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(s string) error {
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return errors.New("must be an RFC 3339 date-time such as 2025-01-31T12:00:00Z")
		}
		return nil
	})),
}

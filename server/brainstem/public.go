package brainstem

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/store"
)

// publicCollections are the public portal's collection paths. The portal is
// read-only: the spec declares only its reads, and every write (POST on a
// collection, PUT/PATCH/DELETE on a record) answers 403 in Django REST
// framework's shape, as DRF's permission classes refuse them before the view
// runs.
var publicCollections = []string{
	"/api/public/stem/session/",
	"/api/public/stem/project/",
	"/api/public/personal_attributes/datastorage/",
	"/api/public/stem/subject/",
	"/api/public/stem/collection/",
	"/api/public/stem/cohort/",
	"/api/public/stem/breeding/",
	"/api/public/taxonomies/species/",
	"/api/public/taxonomies/strain/",
	"/api/public/resources/supplier/",
}

// registerPublicWrites routes the public portal's writes, which the
// generated RegisterHandlers does not know (they are not in the spec), to
// refusePublicWrite. The token middleware refuses them first (isPublicWrite,
// before the body is read, as DRF checks permissions before validation);
// the request validator skips them, so that without the middleware's check
// they would still get 403 from the route rather than 405.
func registerPublicWrites(e *echo.Echo) {
	for _, c := range publicCollections {
		e.POST(c, refusePublicWrite)
		for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
			e.Add(m, c+":id/", refusePublicWrite)
		}
	}
}

// skipValidation skips the request validator outside the API and for the
// public portal's writes, which the spec does not declare.
func skipValidation(c echo.Context) bool {
	p := c.Request().URL.Path
	return notAPI(c) || strings.HasPrefix(p, "/api/public/") && isPublicWrite(c.Request().Method, p)
}

// refusePublicWrite answers 403 {"detail": "You do not have permission to perform this action."}.
func refusePublicWrite(echo.Context) error { return store.ErrForbidden }

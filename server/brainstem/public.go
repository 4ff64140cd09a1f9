package brainstem

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/server/mount"
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
// refusePublicWrite. The public portal's token middleware refuses them
// first (isPublicWrite, before the body is read and validated, as DRF
// checks permissions before validation); the routes make the answer 403
// rather than 405 all the same.
func registerPublicWrites(api *mount.API) {
	for _, c := range publicCollections {
		api.POST(c, refusePublicWrite)
		for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
			api.Add(m, c+":id/", refusePublicWrite)
		}
	}
}

// refusePublicWrite answers 403 {"detail": "You do not have permission to perform this action."}.
func refusePublicWrite(echo.Context) error { return store.ErrForbidden }

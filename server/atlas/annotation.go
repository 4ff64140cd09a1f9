package atlas

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/atlasapi"
)

// ListAnnotations lists one page of the annotations on an attachment the
// caller may see, oldest first.
func (h *Handlers) ListAnnotations(ctx context.Context, req atlasapi.ListAnnotationsRequestObject) (atlasapi.ListAnnotationsResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id := req.AttachmentUuid.String()
	limit, offset := page(req.Params.Limit, req.Params.Offset)
	body, err := h.store.Cached(annotationListKey(u.ID, id, limit, offset), func() ([]byte, error) {
		notes, total, err := h.db.Annotations(ctx, u.ID, id, limit, offset)
		if err != nil {
			return nil, err
		}
		return encode(atlasapi.AnnotationList{Items: annotationsOut(notes), Count: int(total)})
	})
	if err != nil {
		return nil, err
	}
	return list(body), nil
}

// CreateAnnotation adds the caller's note to an attachment they may see.
func (h *Handlers) CreateAnnotation(ctx context.Context, req atlasapi.CreateAnnotationRequestObject) (atlasapi.CreateAnnotationResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	n, err := h.db.CreateAnnotation(ctx, u, annotationInput(req.Body))
	if err != nil {
		return nil, err
	}
	return atlasapi.CreateAnnotation201JSONResponse(annotationOut(n)), nil
}

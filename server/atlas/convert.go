package atlas

import (
	"time"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/sessionhub/sessionhub/gen/atlasapi"
	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
)

// The conversions between the API types (atlasapi) and the store's models.

// createInput maps a create request (nil when there was no body) to the store's input.
func createInput(body *atlasapi.CreateSessionRequest) atlasdb.NewSession {
	var in atlasdb.NewSession
	if body == nil {
		return in
	}
	in.Title = body.Title
	if body.Attachments != nil {
		for _, a := range *body.Attachments {
			in.AttachmentIDs = append(in.AttachmentIDs, a.AttachmentId.String())
		}
	}
	return in
}

// patchInput maps an update request to the store's patch: absent fields
// stay unchanged, null clears title or description.
func patchInput(body *atlasapi.UpdateSessionRequest) atlasdb.SessionPatch {
	var p atlasdb.SessionPatch
	if body == nil {
		return p
	}
	p.SetTitle, p.Title = patchField(body.Title)
	p.SetDescription, p.Description = patchField(body.Description)
	p.Starred = body.Starred
	return p
}

func patchField(n nullable.Nullable[string]) (set bool, v *string) {
	if !n.IsSpecified() {
		return false, nil
	}
	if n.IsNull() {
		return true, nil
	}
	s := n.MustGet()
	return true, &s
}

// sessionOut is a session with its attachments.
func sessionOut(s *atlasdb.Session, atts []atlasdb.Attachment) atlasapi.Session {
	sum := summaryOut(s)
	return atlasapi.Session{
		SessionId:          sum.SessionId,
		SessionTitle:       sum.SessionTitle,
		SessionDescription: sum.SessionDescription,
		SessionCreatedBy:   sum.SessionCreatedBy,
		SessionCreatedAt:   sum.SessionCreatedAt,
		Attachments:        attachmentsOut(atts),
		ImportedProjects:   sum.ImportedProjects,
		IsStarred:          sum.IsStarred,
		StarredAt:          sum.StarredAt,
	}
}

// summaryOut is a session as listed, without attachments.
func summaryOut(s *atlasdb.Session) atlasapi.SessionSummary {
	starredAt := nullable.NewNullNullable[time.Time]()
	if s.StarredAt != nil {
		starredAt.Set(s.StarredAt.UTC())
	}
	return atlasapi.SessionSummary{
		SessionId:          parseID(s.ID),
		SessionTitle:       nullableString(s.Title),
		SessionDescription: nullableString(s.Description),
		SessionCreatedBy:   openapi_types.Email(s.CreatedBy),
		SessionCreatedAt:   s.CreatedAt.UTC(),
		ImportedProjects:   []openapi_types.UUID{},
		IsStarred:          s.StarredAt != nil,
		StarredAt:          starredAt,
	}
}

func summariesOut(list []atlasdb.Session) []atlasapi.SessionSummary {
	out := make([]atlasapi.SessionSummary, len(list))
	for i := range list {
		out[i] = summaryOut(&list[i])
	}
	return out
}

// attachmentOut is one attachment.
func attachmentOut(a *atlasdb.Attachment) atlasapi.Attachment {
	src := nullable.NewNullNullable[openapi_types.UUID]()
	if a.SourceSessionID != nil {
		src.Set(parseID(*a.SourceSessionID))
	}
	return atlasapi.Attachment{
		AttachmentId:              parseID(a.ID),
		AttachmentName:            a.Name,
		AttachmentType:            a.Type,
		AttachmentTitle:           nullableString(a.Title),
		AttachmentDescription:     nullableString(a.Description),
		AttachmentCitation:        nullableString(a.Citation),
		AttachmentSourceSessionId: src,
		AttachmentCreatedBy:       a.CreatedBy,
		AttachmentCreatedAt:       a.CreatedAt.UTC(),
		IsVisible:                 a.IsVisible,
	}
}

func attachmentsOut(atts []atlasdb.Attachment) []atlasapi.Attachment {
	out := make([]atlasapi.Attachment, len(atts))
	for i := range atts {
		out[i] = attachmentOut(&atts[i])
	}
	return out
}

// nullableString is v, or an explicit null (never "unspecified", which
// would drop a required field from the JSON).
func nullableString(v *string) nullable.Nullable[string] {
	if v == nil {
		return nullable.NewNullNullable[string]()
	}
	return nullable.NewNullableWithValue(*v)
}

// parseID parses an id the store generated; uuid.Nil would mean a corrupt row.
func parseID(id string) openapi_types.UUID {
	u, _ := uuid.Parse(id)
	return u
}

// attachmentPatch maps a PATCH body to the store's patch: absent fields
// stay unchanged, null clears title, description or citation.
func attachmentPatch(body *atlasapi.UpdateAttachmentRequest) atlasdb.AttachmentPatch {
	var p atlasdb.AttachmentPatch
	if body == nil {
		return p
	}
	p.SetTitle, p.Title = patchField(body.Title)
	p.SetDescription, p.Description = patchField(body.Description)
	p.SetCitation, p.Citation = patchField(body.Citation)
	p.IsVisible = body.IsVisible
	return p
}

// annotationInput maps a create request to the store's input.
func annotationInput(body *atlasapi.CreateAnnotationRequest) atlasdb.NewAnnotation {
	var in atlasdb.NewAnnotation
	if body == nil {
		return in
	}
	in.AttachmentID = body.AttachmentId.String()
	in.Text = body.Text
	if body.Anchor != nil {
		start, end := body.Anchor.Start, body.Anchor.End
		in.AnchorStart, in.AnchorEnd = &start, &end
	}
	return in
}

// annotationAnchor is the wire type of an annotation's anchor.
type annotationAnchor = struct {
	End   int64 `json:"end"`
	Start int64 `json:"start"`
}

// annotationOut is one annotation.
func annotationOut(n *atlasdb.Annotation) atlasapi.Annotation {
	anchor := nullable.NewNullNullable[annotationAnchor]()
	if n.AnchorStart != nil && n.AnchorEnd != nil {
		anchor.Set(annotationAnchor{Start: *n.AnchorStart, End: *n.AnchorEnd})
	}
	return atlasapi.Annotation{
		AnnotationId:        parseID(n.ID),
		AttachmentId:        parseID(n.AttachmentID),
		AnnotationText:      n.Text,
		AnnotationAnchor:    anchor,
		AnnotationCreatedBy: n.CreatedBy,
		AnnotationCreatedAt: n.CreatedAt.UTC(),
	}
}

func annotationsOut(list []atlasdb.Annotation) []atlasapi.Annotation {
	out := make([]atlasapi.Annotation, len(list))
	for i := range list {
		out[i] = annotationOut(&list[i])
	}
	return out
}

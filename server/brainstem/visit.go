package brainstem

import "net/http"

// The generated strict server asks each operation's response for its own
// Visit method; response answers all of those that return records.

func (r response) VisitListSessionsResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitPublicListSessionsResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitGetSessionResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitPublicGetSessionResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitCreateSessionResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitUpdateSessionResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitReplaceSessionResponse(w http.ResponseWriter) error     { return r.visit(w) }

func (r response) VisitListProjectsResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitPublicListProjectsResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitGetProjectResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitPublicGetProjectResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitCreateProjectResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitUpdateProjectResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitReplaceProjectResponse(w http.ResponseWriter) error     { return r.visit(w) }

func (r response) VisitListDataStoragesResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicListDataStoragesResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetDataStorageResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitPublicGetDataStorageResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitCreateDataStorageResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r response) VisitUpdateDataStorageResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r response) VisitReplaceDataStorageResponse(w http.ResponseWriter) error   { return r.visit(w) }

func (r response) VisitListSessionDataStoragesResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetSessionDataStorageResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitCreateSessionDataStorageResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitUpdateSessionDataStorageResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitReplaceSessionDataStorageResponse(w http.ResponseWriter) error {
	return r.visit(w)
}

func (r response) VisitListSessionProjectsResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicListSessionProjectsResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitListSessionDataStorageListResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitPublicListSessionDataStorageListResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitListProjectSessionsResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicListProjectSessionsResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitListSpeciesResponse(w http.ResponseWriter) error           { return r.visit(w) }
func (r response) VisitPublicListSpeciesResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitGetSpeciesResponse(w http.ResponseWriter) error            { return r.visit(w) }
func (r response) VisitPublicGetSpeciesResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitCreateSpeciesResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitUpdateSpeciesResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitReplaceSpeciesResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitListStrainsResponse(w http.ResponseWriter) error           { return r.visit(w) }
func (r response) VisitPublicListStrainsResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitGetStrainResponse(w http.ResponseWriter) error             { return r.visit(w) }
func (r response) VisitPublicGetStrainResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitCreateStrainResponse(w http.ResponseWriter) error          { return r.visit(w) }
func (r response) VisitUpdateStrainResponse(w http.ResponseWriter) error          { return r.visit(w) }
func (r response) VisitReplaceStrainResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitListSuppliersResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitPublicListSuppliersResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitGetSupplierResponse(w http.ResponseWriter) error           { return r.visit(w) }
func (r response) VisitPublicGetSupplierResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitCreateSupplierResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitUpdateSupplierResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitReplaceSupplierResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitListSubjectsResponse(w http.ResponseWriter) error          { return r.visit(w) }
func (r response) VisitPublicListSubjectsResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r response) VisitGetSubjectResponse(w http.ResponseWriter) error            { return r.visit(w) }
func (r response) VisitPublicGetSubjectResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitCreateSubjectResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitUpdateSubjectResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitReplaceSubjectResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitListCollectionsResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitPublicListCollectionsResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitGetCollectionResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitPublicGetCollectionResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitCreateCollectionResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitUpdateCollectionResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitReplaceCollectionResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitListCohortsResponse(w http.ResponseWriter) error           { return r.visit(w) }
func (r response) VisitPublicListCohortsResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitGetCohortResponse(w http.ResponseWriter) error             { return r.visit(w) }
func (r response) VisitPublicGetCohortResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitCreateCohortResponse(w http.ResponseWriter) error          { return r.visit(w) }
func (r response) VisitUpdateCohortResponse(w http.ResponseWriter) error          { return r.visit(w) }
func (r response) VisitReplaceCohortResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitListBreedingsResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitPublicListBreedingsResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitGetBreedingResponse(w http.ResponseWriter) error           { return r.visit(w) }
func (r response) VisitPublicGetBreedingResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitCreateBreedingResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitUpdateBreedingResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitReplaceBreedingResponse(w http.ResponseWriter) error       { return r.visit(w) }

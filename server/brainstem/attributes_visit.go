package brainstem

import "net/http"

// The Visit methods of the attribute, resource and taxonomy operations.

func (r response) VisitListSetupsResponse(w http.ResponseWriter) error           { return r.visit(w) }
func (r response) VisitPublicListSetupsResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitGetSetupResponse(w http.ResponseWriter) error             { return r.visit(w) }
func (r response) VisitPublicGetSetupResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitCreateSetupResponse(w http.ResponseWriter) error          { return r.visit(w) }
func (r response) VisitReplaceSetupResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitUpdateSetupResponse(w http.ResponseWriter) error          { return r.visit(w) }
func (r response) VisitListBehavioralAssaysResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicListBehavioralAssaysResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetBehavioralAssayResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicGetBehavioralAssayResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitCreateBehavioralAssayResponse(w http.ResponseWriter) error  { return r.visit(w) }
func (r response) VisitReplaceBehavioralAssayResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitUpdateBehavioralAssayResponse(w http.ResponseWriter) error  { return r.visit(w) }
func (r response) VisitListLicensesResponse(w http.ResponseWriter) error           { return r.visit(w) }
func (r response) VisitPublicListLicensesResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitGetLicenseResponse(w http.ResponseWriter) error             { return r.visit(w) }
func (r response) VisitPublicGetLicenseResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitCreateLicenseResponse(w http.ResponseWriter) error          { return r.visit(w) }
func (r response) VisitReplaceLicenseResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitUpdateLicenseResponse(w http.ResponseWriter) error          { return r.visit(w) }
func (r response) VisitListInventoriesResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitPublicListInventoriesResponse(w http.ResponseWriter) error  { return r.visit(w) }
func (r response) VisitGetInventoryResponse(w http.ResponseWriter) error           { return r.visit(w) }
func (r response) VisitPublicGetInventoryResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitCreateInventoryResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitReplaceInventoryResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitUpdateInventoryResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitListHardwareDevicesResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r response) VisitPublicListHardwareDevicesResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetHardwareDeviceResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicGetHardwareDeviceResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitCreateHardwareDeviceResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitReplaceHardwareDeviceResponse(w http.ResponseWriter) error  { return r.visit(w) }
func (r response) VisitUpdateHardwareDeviceResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitListConsumablesResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitPublicListConsumablesResponse(w http.ResponseWriter) error  { return r.visit(w) }
func (r response) VisitGetConsumableResponse(w http.ResponseWriter) error          { return r.visit(w) }
func (r response) VisitPublicGetConsumableResponse(w http.ResponseWriter) error    { return r.visit(w) }
func (r response) VisitCreateConsumableResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitReplaceConsumableResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitUpdateConsumableResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitListBrainRegionsResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitPublicListBrainRegionsResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitGetBrainRegionResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitPublicGetBrainRegionResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitCreateBrainRegionResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitReplaceBrainRegionResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitUpdateBrainRegionResponse(w http.ResponseWriter) error      { return r.visit(w) }
func (r response) VisitListSetupTypesResponse(w http.ResponseWriter) error         { return r.visit(w) }
func (r response) VisitPublicListSetupTypesResponse(w http.ResponseWriter) error   { return r.visit(w) }
func (r response) VisitGetSetupTypeResponse(w http.ResponseWriter) error           { return r.visit(w) }
func (r response) VisitPublicGetSetupTypeResponse(w http.ResponseWriter) error     { return r.visit(w) }
func (r response) VisitCreateSetupTypeResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitReplaceSetupTypeResponse(w http.ResponseWriter) error       { return r.visit(w) }
func (r response) VisitUpdateSetupTypeResponse(w http.ResponseWriter) error        { return r.visit(w) }
func (r response) VisitListBehavioralCategoriesResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitPublicListBehavioralCategoriesResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetBehavioralCategoryResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicGetBehavioralCategoryResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitCreateBehavioralCategoryResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitReplaceBehavioralCategoryResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitUpdateBehavioralCategoryResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitListBehavioralParadigmsResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitPublicListBehavioralParadigmsResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetBehavioralParadigmResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicGetBehavioralParadigmResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitCreateBehavioralParadigmResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitReplaceBehavioralParadigmResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitUpdateBehavioralParadigmResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitListRegulatoryAuthoritiesResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitPublicListRegulatoryAuthoritiesResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitGetRegulatoryAuthorityResponse(w http.ResponseWriter) error { return r.visit(w) }
func (r response) VisitPublicGetRegulatoryAuthorityResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitCreateRegulatoryAuthorityResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitReplaceRegulatoryAuthorityResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
func (r response) VisitUpdateRegulatoryAuthorityResponse(w http.ResponseWriter) error {
	return r.visit(w)
}

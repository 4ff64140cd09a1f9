package brainstem

// Code written from one template per model (see attributes.go for the
// shared implementation): the generated strict interface wants one method
// per operation, and the response type one Visit method per operation.

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

// ---- setup ----

// ListSetups lists the setups the caller may see.
func (h *Handlers) ListSetups(ctx context.Context, req brainstemapi.ListSetupsRequestObject) (brainstemapi.ListSetupsResponseObject, error) {
	return h.attrList(ctx, "setup", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListSetups lists the setups on the public portal.
func (h *Handlers) PublicListSetups(ctx context.Context, req brainstemapi.PublicListSetupsRequestObject) (brainstemapi.PublicListSetupsResponseObject, error) {
	return h.attrList(ctx, "setup", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetSetup returns one setup.
func (h *Handlers) GetSetup(ctx context.Context, req brainstemapi.GetSetupRequestObject) (brainstemapi.GetSetupResponseObject, error) {
	return h.attrGet(ctx, "setup", req.Id.String())
}

// PublicGetSetup returns one setup on the public portal.
func (h *Handlers) PublicGetSetup(ctx context.Context, req brainstemapi.PublicGetSetupRequestObject) (brainstemapi.PublicGetSetupResponseObject, error) {
	return h.attrGet(ctx, "setup", req.Id.String())
}

// CreateSetup creates a setup (201).
func (h *Handlers) CreateSetup(ctx context.Context, req brainstemapi.CreateSetupRequestObject) (brainstemapi.CreateSetupResponseObject, error) {
	return h.attrSave(ctx, "setup", "", req.Body, true)
}

// ReplaceSetup replaces a setup's writable fields (PUT).
func (h *Handlers) ReplaceSetup(ctx context.Context, req brainstemapi.ReplaceSetupRequestObject) (brainstemapi.ReplaceSetupResponseObject, error) {
	return h.attrSave(ctx, "setup", req.Id.String(), req.Body, true)
}

// UpdateSetup changes the fields sent (PATCH).
func (h *Handlers) UpdateSetup(ctx context.Context, req brainstemapi.UpdateSetupRequestObject) (brainstemapi.UpdateSetupResponseObject, error) {
	return h.attrSave(ctx, "setup", req.Id.String(), req.Body, false)
}

// DeleteSetup deletes a setup (204).
func (h *Handlers) DeleteSetup(ctx context.Context, req brainstemapi.DeleteSetupRequestObject) (brainstemapi.DeleteSetupResponseObject, error) {
	if err := h.attrDelete(ctx, "setup", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSetup204Response{}, nil
}

// ---- behavioralassay ----

// ListBehavioralAssays lists the behavioralassays the caller may see.
func (h *Handlers) ListBehavioralAssays(ctx context.Context, req brainstemapi.ListBehavioralAssaysRequestObject) (brainstemapi.ListBehavioralAssaysResponseObject, error) {
	return h.attrList(ctx, "behavioralassay", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListBehavioralAssays lists the behavioralassays on the public portal.
func (h *Handlers) PublicListBehavioralAssays(ctx context.Context, req brainstemapi.PublicListBehavioralAssaysRequestObject) (brainstemapi.PublicListBehavioralAssaysResponseObject, error) {
	return h.attrList(ctx, "behavioralassay", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetBehavioralAssay returns one behavioralassay.
func (h *Handlers) GetBehavioralAssay(ctx context.Context, req brainstemapi.GetBehavioralAssayRequestObject) (brainstemapi.GetBehavioralAssayResponseObject, error) {
	return h.attrGet(ctx, "behavioralassay", req.Id.String())
}

// PublicGetBehavioralAssay returns one behavioralassay on the public portal.
func (h *Handlers) PublicGetBehavioralAssay(ctx context.Context, req brainstemapi.PublicGetBehavioralAssayRequestObject) (brainstemapi.PublicGetBehavioralAssayResponseObject, error) {
	return h.attrGet(ctx, "behavioralassay", req.Id.String())
}

// CreateBehavioralAssay creates a behavioralassay (201).
func (h *Handlers) CreateBehavioralAssay(ctx context.Context, req brainstemapi.CreateBehavioralAssayRequestObject) (brainstemapi.CreateBehavioralAssayResponseObject, error) {
	return h.attrSave(ctx, "behavioralassay", "", req.Body, true)
}

// ReplaceBehavioralAssay replaces a behavioralassay's writable fields (PUT).
func (h *Handlers) ReplaceBehavioralAssay(ctx context.Context, req brainstemapi.ReplaceBehavioralAssayRequestObject) (brainstemapi.ReplaceBehavioralAssayResponseObject, error) {
	return h.attrSave(ctx, "behavioralassay", req.Id.String(), req.Body, true)
}

// UpdateBehavioralAssay changes the fields sent (PATCH).
func (h *Handlers) UpdateBehavioralAssay(ctx context.Context, req brainstemapi.UpdateBehavioralAssayRequestObject) (brainstemapi.UpdateBehavioralAssayResponseObject, error) {
	return h.attrSave(ctx, "behavioralassay", req.Id.String(), req.Body, false)
}

// DeleteBehavioralAssay deletes a behavioralassay (204).
func (h *Handlers) DeleteBehavioralAssay(ctx context.Context, req brainstemapi.DeleteBehavioralAssayRequestObject) (brainstemapi.DeleteBehavioralAssayResponseObject, error) {
	if err := h.attrDelete(ctx, "behavioralassay", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteBehavioralAssay204Response{}, nil
}

// ---- license ----

// ListLicenses lists the licenses the caller may see.
func (h *Handlers) ListLicenses(ctx context.Context, req brainstemapi.ListLicensesRequestObject) (brainstemapi.ListLicensesResponseObject, error) {
	return h.attrList(ctx, "license", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListLicenses lists the licenses on the public portal.
func (h *Handlers) PublicListLicenses(ctx context.Context, req brainstemapi.PublicListLicensesRequestObject) (brainstemapi.PublicListLicensesResponseObject, error) {
	return h.attrList(ctx, "license", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetLicense returns one license.
func (h *Handlers) GetLicense(ctx context.Context, req brainstemapi.GetLicenseRequestObject) (brainstemapi.GetLicenseResponseObject, error) {
	return h.attrGet(ctx, "license", req.Id.String())
}

// PublicGetLicense returns one license on the public portal.
func (h *Handlers) PublicGetLicense(ctx context.Context, req brainstemapi.PublicGetLicenseRequestObject) (brainstemapi.PublicGetLicenseResponseObject, error) {
	return h.attrGet(ctx, "license", req.Id.String())
}

// CreateLicense creates a license (201).
func (h *Handlers) CreateLicense(ctx context.Context, req brainstemapi.CreateLicenseRequestObject) (brainstemapi.CreateLicenseResponseObject, error) {
	return h.attrSave(ctx, "license", "", req.Body, true)
}

// ReplaceLicense replaces a license's writable fields (PUT).
func (h *Handlers) ReplaceLicense(ctx context.Context, req brainstemapi.ReplaceLicenseRequestObject) (brainstemapi.ReplaceLicenseResponseObject, error) {
	return h.attrSave(ctx, "license", req.Id.String(), req.Body, true)
}

// UpdateLicense changes the fields sent (PATCH).
func (h *Handlers) UpdateLicense(ctx context.Context, req brainstemapi.UpdateLicenseRequestObject) (brainstemapi.UpdateLicenseResponseObject, error) {
	return h.attrSave(ctx, "license", req.Id.String(), req.Body, false)
}

// DeleteLicense deletes a license (204).
func (h *Handlers) DeleteLicense(ctx context.Context, req brainstemapi.DeleteLicenseRequestObject) (brainstemapi.DeleteLicenseResponseObject, error) {
	if err := h.attrDelete(ctx, "license", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteLicense204Response{}, nil
}

// ---- inventory ----

// ListInventories lists the inventorys the caller may see.
func (h *Handlers) ListInventories(ctx context.Context, req brainstemapi.ListInventoriesRequestObject) (brainstemapi.ListInventoriesResponseObject, error) {
	return h.attrList(ctx, "inventory", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListInventories lists the inventorys on the public portal.
func (h *Handlers) PublicListInventories(ctx context.Context, req brainstemapi.PublicListInventoriesRequestObject) (brainstemapi.PublicListInventoriesResponseObject, error) {
	return h.attrList(ctx, "inventory", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetInventory returns one inventory.
func (h *Handlers) GetInventory(ctx context.Context, req brainstemapi.GetInventoryRequestObject) (brainstemapi.GetInventoryResponseObject, error) {
	return h.attrGet(ctx, "inventory", req.Id.String())
}

// PublicGetInventory returns one inventory on the public portal.
func (h *Handlers) PublicGetInventory(ctx context.Context, req brainstemapi.PublicGetInventoryRequestObject) (brainstemapi.PublicGetInventoryResponseObject, error) {
	return h.attrGet(ctx, "inventory", req.Id.String())
}

// CreateInventory creates a inventory (201).
func (h *Handlers) CreateInventory(ctx context.Context, req brainstemapi.CreateInventoryRequestObject) (brainstemapi.CreateInventoryResponseObject, error) {
	return h.attrSave(ctx, "inventory", "", req.Body, true)
}

// ReplaceInventory replaces a inventory's writable fields (PUT).
func (h *Handlers) ReplaceInventory(ctx context.Context, req brainstemapi.ReplaceInventoryRequestObject) (brainstemapi.ReplaceInventoryResponseObject, error) {
	return h.attrSave(ctx, "inventory", req.Id.String(), req.Body, true)
}

// UpdateInventory changes the fields sent (PATCH).
func (h *Handlers) UpdateInventory(ctx context.Context, req brainstemapi.UpdateInventoryRequestObject) (brainstemapi.UpdateInventoryResponseObject, error) {
	return h.attrSave(ctx, "inventory", req.Id.String(), req.Body, false)
}

// DeleteInventory deletes a inventory (204).
func (h *Handlers) DeleteInventory(ctx context.Context, req brainstemapi.DeleteInventoryRequestObject) (brainstemapi.DeleteInventoryResponseObject, error) {
	if err := h.attrDelete(ctx, "inventory", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteInventory204Response{}, nil
}

// ---- hardwaredevice ----

// ListHardwareDevices lists the hardwaredevices the caller may see.
func (h *Handlers) ListHardwareDevices(ctx context.Context, req brainstemapi.ListHardwareDevicesRequestObject) (brainstemapi.ListHardwareDevicesResponseObject, error) {
	return h.attrList(ctx, "hardwaredevice", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListHardwareDevices lists the hardwaredevices on the public portal.
func (h *Handlers) PublicListHardwareDevices(ctx context.Context, req brainstemapi.PublicListHardwareDevicesRequestObject) (brainstemapi.PublicListHardwareDevicesResponseObject, error) {
	return h.attrList(ctx, "hardwaredevice", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetHardwareDevice returns one hardwaredevice.
func (h *Handlers) GetHardwareDevice(ctx context.Context, req brainstemapi.GetHardwareDeviceRequestObject) (brainstemapi.GetHardwareDeviceResponseObject, error) {
	return h.attrGet(ctx, "hardwaredevice", req.Id.String())
}

// PublicGetHardwareDevice returns one hardwaredevice on the public portal.
func (h *Handlers) PublicGetHardwareDevice(ctx context.Context, req brainstemapi.PublicGetHardwareDeviceRequestObject) (brainstemapi.PublicGetHardwareDeviceResponseObject, error) {
	return h.attrGet(ctx, "hardwaredevice", req.Id.String())
}

// CreateHardwareDevice creates a hardwaredevice (201).
func (h *Handlers) CreateHardwareDevice(ctx context.Context, req brainstemapi.CreateHardwareDeviceRequestObject) (brainstemapi.CreateHardwareDeviceResponseObject, error) {
	return h.attrSave(ctx, "hardwaredevice", "", req.Body, true)
}

// ReplaceHardwareDevice replaces a hardwaredevice's writable fields (PUT).
func (h *Handlers) ReplaceHardwareDevice(ctx context.Context, req brainstemapi.ReplaceHardwareDeviceRequestObject) (brainstemapi.ReplaceHardwareDeviceResponseObject, error) {
	return h.attrSave(ctx, "hardwaredevice", req.Id.String(), req.Body, true)
}

// UpdateHardwareDevice changes the fields sent (PATCH).
func (h *Handlers) UpdateHardwareDevice(ctx context.Context, req brainstemapi.UpdateHardwareDeviceRequestObject) (brainstemapi.UpdateHardwareDeviceResponseObject, error) {
	return h.attrSave(ctx, "hardwaredevice", req.Id.String(), req.Body, false)
}

// DeleteHardwareDevice deletes a hardwaredevice (204).
func (h *Handlers) DeleteHardwareDevice(ctx context.Context, req brainstemapi.DeleteHardwareDeviceRequestObject) (brainstemapi.DeleteHardwareDeviceResponseObject, error) {
	if err := h.attrDelete(ctx, "hardwaredevice", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteHardwareDevice204Response{}, nil
}

// ---- consumable ----

// ListConsumables lists the consumables the caller may see.
func (h *Handlers) ListConsumables(ctx context.Context, req brainstemapi.ListConsumablesRequestObject) (brainstemapi.ListConsumablesResponseObject, error) {
	return h.attrList(ctx, "consumable", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListConsumables lists the consumables on the public portal.
func (h *Handlers) PublicListConsumables(ctx context.Context, req brainstemapi.PublicListConsumablesRequestObject) (brainstemapi.PublicListConsumablesResponseObject, error) {
	return h.attrList(ctx, "consumable", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetConsumable returns one consumable.
func (h *Handlers) GetConsumable(ctx context.Context, req brainstemapi.GetConsumableRequestObject) (brainstemapi.GetConsumableResponseObject, error) {
	return h.attrGet(ctx, "consumable", req.Id.String())
}

// PublicGetConsumable returns one consumable on the public portal.
func (h *Handlers) PublicGetConsumable(ctx context.Context, req brainstemapi.PublicGetConsumableRequestObject) (brainstemapi.PublicGetConsumableResponseObject, error) {
	return h.attrGet(ctx, "consumable", req.Id.String())
}

// CreateConsumable creates a consumable (201).
func (h *Handlers) CreateConsumable(ctx context.Context, req brainstemapi.CreateConsumableRequestObject) (brainstemapi.CreateConsumableResponseObject, error) {
	return h.attrSave(ctx, "consumable", "", req.Body, true)
}

// ReplaceConsumable replaces a consumable's writable fields (PUT).
func (h *Handlers) ReplaceConsumable(ctx context.Context, req brainstemapi.ReplaceConsumableRequestObject) (brainstemapi.ReplaceConsumableResponseObject, error) {
	return h.attrSave(ctx, "consumable", req.Id.String(), req.Body, true)
}

// UpdateConsumable changes the fields sent (PATCH).
func (h *Handlers) UpdateConsumable(ctx context.Context, req brainstemapi.UpdateConsumableRequestObject) (brainstemapi.UpdateConsumableResponseObject, error) {
	return h.attrSave(ctx, "consumable", req.Id.String(), req.Body, false)
}

// DeleteConsumable deletes a consumable (204).
func (h *Handlers) DeleteConsumable(ctx context.Context, req brainstemapi.DeleteConsumableRequestObject) (brainstemapi.DeleteConsumableResponseObject, error) {
	if err := h.attrDelete(ctx, "consumable", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteConsumable204Response{}, nil
}

// ---- brainregion ----

// ListBrainRegions lists the brainregions the caller may see.
func (h *Handlers) ListBrainRegions(ctx context.Context, req brainstemapi.ListBrainRegionsRequestObject) (brainstemapi.ListBrainRegionsResponseObject, error) {
	return h.attrList(ctx, "brainregion", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListBrainRegions lists the brainregions on the public portal.
func (h *Handlers) PublicListBrainRegions(ctx context.Context, req brainstemapi.PublicListBrainRegionsRequestObject) (brainstemapi.PublicListBrainRegionsResponseObject, error) {
	return h.attrList(ctx, "brainregion", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetBrainRegion returns one brainregion.
func (h *Handlers) GetBrainRegion(ctx context.Context, req brainstemapi.GetBrainRegionRequestObject) (brainstemapi.GetBrainRegionResponseObject, error) {
	return h.attrGet(ctx, "brainregion", req.Id.String())
}

// PublicGetBrainRegion returns one brainregion on the public portal.
func (h *Handlers) PublicGetBrainRegion(ctx context.Context, req brainstemapi.PublicGetBrainRegionRequestObject) (brainstemapi.PublicGetBrainRegionResponseObject, error) {
	return h.attrGet(ctx, "brainregion", req.Id.String())
}

// CreateBrainRegion creates a brainregion (201).
func (h *Handlers) CreateBrainRegion(ctx context.Context, req brainstemapi.CreateBrainRegionRequestObject) (brainstemapi.CreateBrainRegionResponseObject, error) {
	return h.attrSave(ctx, "brainregion", "", req.Body, true)
}

// ReplaceBrainRegion replaces a brainregion's writable fields (PUT).
func (h *Handlers) ReplaceBrainRegion(ctx context.Context, req brainstemapi.ReplaceBrainRegionRequestObject) (brainstemapi.ReplaceBrainRegionResponseObject, error) {
	return h.attrSave(ctx, "brainregion", req.Id.String(), req.Body, true)
}

// UpdateBrainRegion changes the fields sent (PATCH).
func (h *Handlers) UpdateBrainRegion(ctx context.Context, req brainstemapi.UpdateBrainRegionRequestObject) (brainstemapi.UpdateBrainRegionResponseObject, error) {
	return h.attrSave(ctx, "brainregion", req.Id.String(), req.Body, false)
}

// DeleteBrainRegion deletes a brainregion (204).
func (h *Handlers) DeleteBrainRegion(ctx context.Context, req brainstemapi.DeleteBrainRegionRequestObject) (brainstemapi.DeleteBrainRegionResponseObject, error) {
	if err := h.attrDelete(ctx, "brainregion", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteBrainRegion204Response{}, nil
}

// ---- setuptype ----

// ListSetupTypes lists the setuptypes the caller may see.
func (h *Handlers) ListSetupTypes(ctx context.Context, req brainstemapi.ListSetupTypesRequestObject) (brainstemapi.ListSetupTypesResponseObject, error) {
	return h.attrList(ctx, "setuptype", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListSetupTypes lists the setuptypes on the public portal.
func (h *Handlers) PublicListSetupTypes(ctx context.Context, req brainstemapi.PublicListSetupTypesRequestObject) (brainstemapi.PublicListSetupTypesResponseObject, error) {
	return h.attrList(ctx, "setuptype", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetSetupType returns one setuptype.
func (h *Handlers) GetSetupType(ctx context.Context, req brainstemapi.GetSetupTypeRequestObject) (brainstemapi.GetSetupTypeResponseObject, error) {
	return h.attrGet(ctx, "setuptype", req.Id.String())
}

// PublicGetSetupType returns one setuptype on the public portal.
func (h *Handlers) PublicGetSetupType(ctx context.Context, req brainstemapi.PublicGetSetupTypeRequestObject) (brainstemapi.PublicGetSetupTypeResponseObject, error) {
	return h.attrGet(ctx, "setuptype", req.Id.String())
}

// CreateSetupType creates a setuptype (201).
func (h *Handlers) CreateSetupType(ctx context.Context, req brainstemapi.CreateSetupTypeRequestObject) (brainstemapi.CreateSetupTypeResponseObject, error) {
	return h.attrSave(ctx, "setuptype", "", req.Body, true)
}

// ReplaceSetupType replaces a setuptype's writable fields (PUT).
func (h *Handlers) ReplaceSetupType(ctx context.Context, req brainstemapi.ReplaceSetupTypeRequestObject) (brainstemapi.ReplaceSetupTypeResponseObject, error) {
	return h.attrSave(ctx, "setuptype", req.Id.String(), req.Body, true)
}

// UpdateSetupType changes the fields sent (PATCH).
func (h *Handlers) UpdateSetupType(ctx context.Context, req brainstemapi.UpdateSetupTypeRequestObject) (brainstemapi.UpdateSetupTypeResponseObject, error) {
	return h.attrSave(ctx, "setuptype", req.Id.String(), req.Body, false)
}

// DeleteSetupType deletes a setuptype (204).
func (h *Handlers) DeleteSetupType(ctx context.Context, req brainstemapi.DeleteSetupTypeRequestObject) (brainstemapi.DeleteSetupTypeResponseObject, error) {
	if err := h.attrDelete(ctx, "setuptype", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSetupType204Response{}, nil
}

// ---- behavioralcategory ----

// ListBehavioralCategories lists the behavioralcategorys the caller may see.
func (h *Handlers) ListBehavioralCategories(ctx context.Context, req brainstemapi.ListBehavioralCategoriesRequestObject) (brainstemapi.ListBehavioralCategoriesResponseObject, error) {
	return h.attrList(ctx, "behavioralcategory", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListBehavioralCategories lists the behavioralcategorys on the public portal.
func (h *Handlers) PublicListBehavioralCategories(ctx context.Context, req brainstemapi.PublicListBehavioralCategoriesRequestObject) (brainstemapi.PublicListBehavioralCategoriesResponseObject, error) {
	return h.attrList(ctx, "behavioralcategory", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetBehavioralCategory returns one behavioralcategory.
func (h *Handlers) GetBehavioralCategory(ctx context.Context, req brainstemapi.GetBehavioralCategoryRequestObject) (brainstemapi.GetBehavioralCategoryResponseObject, error) {
	return h.attrGet(ctx, "behavioralcategory", req.Id.String())
}

// PublicGetBehavioralCategory returns one behavioralcategory on the public portal.
func (h *Handlers) PublicGetBehavioralCategory(ctx context.Context, req brainstemapi.PublicGetBehavioralCategoryRequestObject) (brainstemapi.PublicGetBehavioralCategoryResponseObject, error) {
	return h.attrGet(ctx, "behavioralcategory", req.Id.String())
}

// CreateBehavioralCategory creates a behavioralcategory (201).
func (h *Handlers) CreateBehavioralCategory(ctx context.Context, req brainstemapi.CreateBehavioralCategoryRequestObject) (brainstemapi.CreateBehavioralCategoryResponseObject, error) {
	return h.attrSave(ctx, "behavioralcategory", "", req.Body, true)
}

// ReplaceBehavioralCategory replaces a behavioralcategory's writable fields (PUT).
func (h *Handlers) ReplaceBehavioralCategory(ctx context.Context, req brainstemapi.ReplaceBehavioralCategoryRequestObject) (brainstemapi.ReplaceBehavioralCategoryResponseObject, error) {
	return h.attrSave(ctx, "behavioralcategory", req.Id.String(), req.Body, true)
}

// UpdateBehavioralCategory changes the fields sent (PATCH).
func (h *Handlers) UpdateBehavioralCategory(ctx context.Context, req brainstemapi.UpdateBehavioralCategoryRequestObject) (brainstemapi.UpdateBehavioralCategoryResponseObject, error) {
	return h.attrSave(ctx, "behavioralcategory", req.Id.String(), req.Body, false)
}

// DeleteBehavioralCategory deletes a behavioralcategory (204).
func (h *Handlers) DeleteBehavioralCategory(ctx context.Context, req brainstemapi.DeleteBehavioralCategoryRequestObject) (brainstemapi.DeleteBehavioralCategoryResponseObject, error) {
	if err := h.attrDelete(ctx, "behavioralcategory", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteBehavioralCategory204Response{}, nil
}

// ---- behavioralparadigm ----

// ListBehavioralParadigms lists the behavioralparadigms the caller may see.
func (h *Handlers) ListBehavioralParadigms(ctx context.Context, req brainstemapi.ListBehavioralParadigmsRequestObject) (brainstemapi.ListBehavioralParadigmsResponseObject, error) {
	return h.attrList(ctx, "behavioralparadigm", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListBehavioralParadigms lists the behavioralparadigms on the public portal.
func (h *Handlers) PublicListBehavioralParadigms(ctx context.Context, req brainstemapi.PublicListBehavioralParadigmsRequestObject) (brainstemapi.PublicListBehavioralParadigmsResponseObject, error) {
	return h.attrList(ctx, "behavioralparadigm", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetBehavioralParadigm returns one behavioralparadigm.
func (h *Handlers) GetBehavioralParadigm(ctx context.Context, req brainstemapi.GetBehavioralParadigmRequestObject) (brainstemapi.GetBehavioralParadigmResponseObject, error) {
	return h.attrGet(ctx, "behavioralparadigm", req.Id.String())
}

// PublicGetBehavioralParadigm returns one behavioralparadigm on the public portal.
func (h *Handlers) PublicGetBehavioralParadigm(ctx context.Context, req brainstemapi.PublicGetBehavioralParadigmRequestObject) (brainstemapi.PublicGetBehavioralParadigmResponseObject, error) {
	return h.attrGet(ctx, "behavioralparadigm", req.Id.String())
}

// CreateBehavioralParadigm creates a behavioralparadigm (201).
func (h *Handlers) CreateBehavioralParadigm(ctx context.Context, req brainstemapi.CreateBehavioralParadigmRequestObject) (brainstemapi.CreateBehavioralParadigmResponseObject, error) {
	return h.attrSave(ctx, "behavioralparadigm", "", req.Body, true)
}

// ReplaceBehavioralParadigm replaces a behavioralparadigm's writable fields (PUT).
func (h *Handlers) ReplaceBehavioralParadigm(ctx context.Context, req brainstemapi.ReplaceBehavioralParadigmRequestObject) (brainstemapi.ReplaceBehavioralParadigmResponseObject, error) {
	return h.attrSave(ctx, "behavioralparadigm", req.Id.String(), req.Body, true)
}

// UpdateBehavioralParadigm changes the fields sent (PATCH).
func (h *Handlers) UpdateBehavioralParadigm(ctx context.Context, req brainstemapi.UpdateBehavioralParadigmRequestObject) (brainstemapi.UpdateBehavioralParadigmResponseObject, error) {
	return h.attrSave(ctx, "behavioralparadigm", req.Id.String(), req.Body, false)
}

// DeleteBehavioralParadigm deletes a behavioralparadigm (204).
func (h *Handlers) DeleteBehavioralParadigm(ctx context.Context, req brainstemapi.DeleteBehavioralParadigmRequestObject) (brainstemapi.DeleteBehavioralParadigmResponseObject, error) {
	if err := h.attrDelete(ctx, "behavioralparadigm", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteBehavioralParadigm204Response{}, nil
}

// ---- regulatoryauthority ----

// ListRegulatoryAuthorities lists the regulatoryauthoritys the caller may see.
func (h *Handlers) ListRegulatoryAuthorities(ctx context.Context, req brainstemapi.ListRegulatoryAuthoritiesRequestObject) (brainstemapi.ListRegulatoryAuthoritiesResponseObject, error) {
	return h.attrList(ctx, "regulatoryauthority", pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListRegulatoryAuthorities lists the regulatoryauthoritys on the public portal.
func (h *Handlers) PublicListRegulatoryAuthorities(ctx context.Context, req brainstemapi.PublicListRegulatoryAuthoritiesRequestObject) (brainstemapi.PublicListRegulatoryAuthoritiesResponseObject, error) {
	return h.attrList(ctx, "regulatoryauthority", pageOf(req.Params.Limit, req.Params.Offset))
}

// GetRegulatoryAuthority returns one regulatoryauthority.
func (h *Handlers) GetRegulatoryAuthority(ctx context.Context, req brainstemapi.GetRegulatoryAuthorityRequestObject) (brainstemapi.GetRegulatoryAuthorityResponseObject, error) {
	return h.attrGet(ctx, "regulatoryauthority", req.Id.String())
}

// PublicGetRegulatoryAuthority returns one regulatoryauthority on the public portal.
func (h *Handlers) PublicGetRegulatoryAuthority(ctx context.Context, req brainstemapi.PublicGetRegulatoryAuthorityRequestObject) (brainstemapi.PublicGetRegulatoryAuthorityResponseObject, error) {
	return h.attrGet(ctx, "regulatoryauthority", req.Id.String())
}

// CreateRegulatoryAuthority creates a regulatoryauthority (201).
func (h *Handlers) CreateRegulatoryAuthority(ctx context.Context, req brainstemapi.CreateRegulatoryAuthorityRequestObject) (brainstemapi.CreateRegulatoryAuthorityResponseObject, error) {
	return h.attrSave(ctx, "regulatoryauthority", "", req.Body, true)
}

// ReplaceRegulatoryAuthority replaces a regulatoryauthority's writable fields (PUT).
func (h *Handlers) ReplaceRegulatoryAuthority(ctx context.Context, req brainstemapi.ReplaceRegulatoryAuthorityRequestObject) (brainstemapi.ReplaceRegulatoryAuthorityResponseObject, error) {
	return h.attrSave(ctx, "regulatoryauthority", req.Id.String(), req.Body, true)
}

// UpdateRegulatoryAuthority changes the fields sent (PATCH).
func (h *Handlers) UpdateRegulatoryAuthority(ctx context.Context, req brainstemapi.UpdateRegulatoryAuthorityRequestObject) (brainstemapi.UpdateRegulatoryAuthorityResponseObject, error) {
	return h.attrSave(ctx, "regulatoryauthority", req.Id.String(), req.Body, false)
}

// DeleteRegulatoryAuthority deletes a regulatoryauthority (204).
func (h *Handlers) DeleteRegulatoryAuthority(ctx context.Context, req brainstemapi.DeleteRegulatoryAuthorityRequestObject) (brainstemapi.DeleteRegulatoryAuthorityResponseObject, error) {
	if err := h.attrDelete(ctx, "regulatoryauthority", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteRegulatoryAuthority204Response{}, nil
}

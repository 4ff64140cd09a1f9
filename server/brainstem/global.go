package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

// The global tables (species, strain, supplier): every signed-in user and
// the public portal read them; the store lets only staff users write them.

// rridURL is the RRID resolver page of rrid, or null.
func rridURL(rrid *string) any {
	if rrid == nil || *rrid == "" {
		return nil
	}
	return "https://scicrunch.org/resolver/" + *rrid
}

func nullableText(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// ---- species ----

// ListSpecies lists the species.
func (h *Handlers) ListSpecies(ctx context.Context, req brainstemapi.ListSpeciesRequestObject) (brainstemapi.ListSpeciesResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "species", "species", h.db.ListSpecies)
}

// PublicListSpecies lists the species on the public portal.
func (h *Handlers) PublicListSpecies(ctx context.Context, req brainstemapi.PublicListSpeciesRequestObject) (brainstemapi.PublicListSpeciesResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "species", "species", h.db.ListSpecies)
}

// GetSpecies returns one species.
func (h *Handlers) GetSpecies(ctx context.Context, req brainstemapi.GetSpeciesRequestObject) (brainstemapi.GetSpeciesResponseObject, error) {
	return getRecord(ctx, h, "species", req.Id.String(), h.db.GetSpecies)
}

// PublicGetSpecies returns one species on the public portal.
func (h *Handlers) PublicGetSpecies(ctx context.Context, req brainstemapi.PublicGetSpeciesRequestObject) (brainstemapi.PublicGetSpeciesResponseObject, error) {
	return getRecord(ctx, h, "species", req.Id.String(), h.db.GetSpecies)
}

// CreateSpecies creates a species (staff only, 201).
func (h *Handlers) CreateSpecies(ctx context.Context, req brainstemapi.CreateSpeciesRequestObject) (brainstemapi.CreateSpeciesResponseObject, error) {
	return createRecord(ctx, h, "species", req.Body, h.db.GetSpecies)
}

// ReplaceSpecies replaces a species' writable fields (PUT, staff only).
func (h *Handlers) ReplaceSpecies(ctx context.Context, req brainstemapi.ReplaceSpeciesRequestObject) (brainstemapi.ReplaceSpeciesResponseObject, error) {
	return replaceRecord(ctx, h, "species", req.Id.String(), req.Body, h.db.GetSpecies)
}

// UpdateSpecies changes the fields sent (PATCH, staff only).
func (h *Handlers) UpdateSpecies(ctx context.Context, req brainstemapi.UpdateSpeciesRequestObject) (brainstemapi.UpdateSpeciesResponseObject, error) {
	return updateRecord(ctx, h, "species", req.Id.String(), req.Body, h.db.GetSpecies)
}

// DeleteSpecies deletes a species without strains (staff only, 204).
func (h *Handlers) DeleteSpecies(ctx context.Context, req brainstemapi.DeleteSpeciesRequestObject) (brainstemapi.DeleteSpeciesResponseObject, error) {
	if err := deleteRecord(ctx, h, "species", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSpecies204Response{}, nil
}

// ---- strain ----

// ListStrains lists the strains.
func (h *Handlers) ListStrains(ctx context.Context, req brainstemapi.ListStrainsRequestObject) (brainstemapi.ListStrainsResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "strain", "strains", h.db.ListStrains)
}

// PublicListStrains lists the strains on the public portal.
func (h *Handlers) PublicListStrains(ctx context.Context, req brainstemapi.PublicListStrainsRequestObject) (brainstemapi.PublicListStrainsResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "strain", "strains", h.db.ListStrains)
}

// GetStrain returns one strain.
func (h *Handlers) GetStrain(ctx context.Context, req brainstemapi.GetStrainRequestObject) (brainstemapi.GetStrainResponseObject, error) {
	return getRecord(ctx, h, "strain", req.Id.String(), h.db.GetStrain)
}

// PublicGetStrain returns one strain on the public portal.
func (h *Handlers) PublicGetStrain(ctx context.Context, req brainstemapi.PublicGetStrainRequestObject) (brainstemapi.PublicGetStrainResponseObject, error) {
	return getRecord(ctx, h, "strain", req.Id.String(), h.db.GetStrain)
}

// CreateStrain creates a strain (staff only, 201).
func (h *Handlers) CreateStrain(ctx context.Context, req brainstemapi.CreateStrainRequestObject) (brainstemapi.CreateStrainResponseObject, error) {
	return createRecord(ctx, h, "strain", req.Body, h.db.GetStrain)
}

// ReplaceStrain replaces a strain's writable fields (PUT, staff only).
func (h *Handlers) ReplaceStrain(ctx context.Context, req brainstemapi.ReplaceStrainRequestObject) (brainstemapi.ReplaceStrainResponseObject, error) {
	return replaceRecord(ctx, h, "strain", req.Id.String(), req.Body, h.db.GetStrain)
}

// UpdateStrain changes the fields sent (PATCH, staff only).
func (h *Handlers) UpdateStrain(ctx context.Context, req brainstemapi.UpdateStrainRequestObject) (brainstemapi.UpdateStrainResponseObject, error) {
	return updateRecord(ctx, h, "strain", req.Id.String(), req.Body, h.db.GetStrain)
}

// DeleteStrain deletes a strain (staff only, 204).
func (h *Handlers) DeleteStrain(ctx context.Context, req brainstemapi.DeleteStrainRequestObject) (brainstemapi.DeleteStrainResponseObject, error) {
	if err := deleteRecord(ctx, h, "strain", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteStrain204Response{}, nil
}

// ---- supplier ----

// ListSuppliers lists the suppliers.
func (h *Handlers) ListSuppliers(ctx context.Context, req brainstemapi.ListSuppliersRequestObject) (brainstemapi.ListSuppliersResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "supplier", "suppliers", h.db.ListSuppliers)
}

// PublicListSuppliers lists the suppliers on the public portal.
func (h *Handlers) PublicListSuppliers(ctx context.Context, req brainstemapi.PublicListSuppliersRequestObject) (brainstemapi.PublicListSuppliersResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "supplier", "suppliers", h.db.ListSuppliers)
}

// GetSupplier returns one supplier.
func (h *Handlers) GetSupplier(ctx context.Context, req brainstemapi.GetSupplierRequestObject) (brainstemapi.GetSupplierResponseObject, error) {
	return getRecord(ctx, h, "supplier", req.Id.String(), h.db.GetSupplier)
}

// PublicGetSupplier returns one supplier on the public portal.
func (h *Handlers) PublicGetSupplier(ctx context.Context, req brainstemapi.PublicGetSupplierRequestObject) (brainstemapi.PublicGetSupplierResponseObject, error) {
	return getRecord(ctx, h, "supplier", req.Id.String(), h.db.GetSupplier)
}

// CreateSupplier creates a supplier (staff only, 201).
func (h *Handlers) CreateSupplier(ctx context.Context, req brainstemapi.CreateSupplierRequestObject) (brainstemapi.CreateSupplierResponseObject, error) {
	return createRecord(ctx, h, "supplier", req.Body, h.db.GetSupplier)
}

// ReplaceSupplier replaces a supplier's writable fields (PUT, staff only).
func (h *Handlers) ReplaceSupplier(ctx context.Context, req brainstemapi.ReplaceSupplierRequestObject) (brainstemapi.ReplaceSupplierResponseObject, error) {
	return replaceRecord(ctx, h, "supplier", req.Id.String(), req.Body, h.db.GetSupplier)
}

// UpdateSupplier changes the fields sent (PATCH, staff only).
func (h *Handlers) UpdateSupplier(ctx context.Context, req brainstemapi.UpdateSupplierRequestObject) (brainstemapi.UpdateSupplierResponseObject, error) {
	return updateRecord(ctx, h, "supplier", req.Id.String(), req.Body, h.db.GetSupplier)
}

// DeleteSupplier deletes a supplier (staff only, 204).
func (h *Handlers) DeleteSupplier(ctx context.Context, req brainstemapi.DeleteSupplierRequestObject) (brainstemapi.DeleteSupplierResponseObject, error) {
	if err := deleteRecord(ctx, h, "supplier", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSupplier204Response{}, nil
}

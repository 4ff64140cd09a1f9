package brainstem

import (
	"context"
	"net/http"

	"github.com/oapi-codegen/nullable"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
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

// globalFields are the writable fields of the global tables' bodies.
type globalFields struct {
	Name                *string
	Description         *string
	RRID                nullable.Nullable[string]
	ExternalIdentifiers *brainstemapi.ExternalIdentifiers
	Species             *brainstemapi.Uuid
	Website             *string
}

// globalInput converts a body; full (POST, PUT) gives absent optional
// fields their defaults.
func globalInput(f globalFields, full bool) store.BSGlobalInput {
	in := store.BSGlobalInput{Name: f.Name, Description: f.Description, Website: f.Website}
	if f.RRID.IsSpecified() {
		in.SetRRID = true
		if v, err := f.RRID.Get(); err == nil {
			in.RRID = &v
		}
	}
	if f.ExternalIdentifiers != nil {
		in.ExternalIdentifiers = jsonText(*f.ExternalIdentifiers)
	}
	if f.Species != nil {
		id := f.Species.String()
		in.Species = &id
	}
	if full {
		empty := ""
		if in.Description == nil {
			in.Description = &empty
		}
		if in.Website == nil {
			in.Website = &empty
		}
		in.SetRRID = true
		if in.ExternalIdentifiers == nil {
			in.ExternalIdentifiers = jsonText([]any{})
		}
	}
	return in
}

// saved answers a created (201) or changed (200) record of a global table.
func saved[T any](ctx context.Context, status int, model string, row *T, err error) (response, error) {
	if err != nil {
		return response{}, err
	}
	return response{status: status, body: detail(model, row, requestFrom(ctx))}, nil
}

// ---- species ----

// ListSpecies lists the species.
func (h *Handlers) ListSpecies(ctx context.Context, req brainstemapi.ListSpeciesRequestObject) (brainstemapi.ListSpeciesResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "species", "species", h.st.ListBSSpecies)
}

// PublicListSpecies lists the species on the public portal.
func (h *Handlers) PublicListSpecies(ctx context.Context, req brainstemapi.PublicListSpeciesRequestObject) (brainstemapi.PublicListSpeciesResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "species", "species", h.st.ListBSSpecies)
}

// GetSpecies returns one species.
func (h *Handlers) GetSpecies(ctx context.Context, req brainstemapi.GetSpeciesRequestObject) (brainstemapi.GetSpeciesResponseObject, error) {
	return getRecord(ctx, h, "species", req.Id.String(), h.st.GetBSSpecies)
}

// PublicGetSpecies returns one species on the public portal.
func (h *Handlers) PublicGetSpecies(ctx context.Context, req brainstemapi.PublicGetSpeciesRequestObject) (brainstemapi.PublicGetSpeciesResponseObject, error) {
	return getRecord(ctx, h, "species", req.Id.String(), h.st.GetBSSpecies)
}

// CreateSpecies creates a species (staff only, 201).
func (h *Handlers) CreateSpecies(ctx context.Context, req brainstemapi.CreateSpeciesRequestObject) (brainstemapi.CreateSpeciesResponseObject, error) {
	b := req.Body
	in := globalInput(globalFields{Name: &b.Name, Description: b.Description, RRID: b.Rrid, ExternalIdentifiers: b.ExternalIdentifiers}, true)
	row, err := h.st.SaveBSSpecies(ctx, requestFrom(ctx).userID(), "", in)
	return saved(ctx, http.StatusCreated, "species", row, err)
}

// ReplaceSpecies replaces a species' writable fields (PUT, staff only).
func (h *Handlers) ReplaceSpecies(ctx context.Context, req brainstemapi.ReplaceSpeciesRequestObject) (brainstemapi.ReplaceSpeciesResponseObject, error) {
	b := req.Body
	in := globalInput(globalFields{Name: &b.Name, Description: b.Description, RRID: b.Rrid, ExternalIdentifiers: b.ExternalIdentifiers}, true)
	row, err := h.st.SaveBSSpecies(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	return saved(ctx, http.StatusOK, "species", row, err)
}

// UpdateSpecies changes the fields sent (PATCH, staff only).
func (h *Handlers) UpdateSpecies(ctx context.Context, req brainstemapi.UpdateSpeciesRequestObject) (brainstemapi.UpdateSpeciesResponseObject, error) {
	b := req.Body
	in := globalInput(globalFields{Name: b.Name, Description: b.Description, RRID: b.Rrid, ExternalIdentifiers: b.ExternalIdentifiers}, false)
	row, err := h.st.SaveBSSpecies(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	return saved(ctx, http.StatusOK, "species", row, err)
}

// DeleteSpecies deletes a species without strains (staff only, 204).
func (h *Handlers) DeleteSpecies(ctx context.Context, req brainstemapi.DeleteSpeciesRequestObject) (brainstemapi.DeleteSpeciesResponseObject, error) {
	if err := h.st.DeleteBSSpecies(ctx, requestFrom(ctx).userID(), req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSpecies204Response{}, nil
}

// ---- strain ----

// ListStrains lists the strains.
func (h *Handlers) ListStrains(ctx context.Context, req brainstemapi.ListStrainsRequestObject) (brainstemapi.ListStrainsResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "strain", "strains", h.st.ListBSStrains)
}

// PublicListStrains lists the strains on the public portal.
func (h *Handlers) PublicListStrains(ctx context.Context, req brainstemapi.PublicListStrainsRequestObject) (brainstemapi.PublicListStrainsResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "strain", "strains", h.st.ListBSStrains)
}

// GetStrain returns one strain.
func (h *Handlers) GetStrain(ctx context.Context, req brainstemapi.GetStrainRequestObject) (brainstemapi.GetStrainResponseObject, error) {
	return getRecord(ctx, h, "strain", req.Id.String(), h.st.GetBSStrain)
}

// PublicGetStrain returns one strain on the public portal.
func (h *Handlers) PublicGetStrain(ctx context.Context, req brainstemapi.PublicGetStrainRequestObject) (brainstemapi.PublicGetStrainResponseObject, error) {
	return getRecord(ctx, h, "strain", req.Id.String(), h.st.GetBSStrain)
}

// CreateStrain creates a strain (staff only, 201).
func (h *Handlers) CreateStrain(ctx context.Context, req brainstemapi.CreateStrainRequestObject) (brainstemapi.CreateStrainResponseObject, error) {
	b := req.Body
	in := globalInput(globalFields{Name: &b.Name, Description: b.Description, RRID: b.Rrid,
		ExternalIdentifiers: b.ExternalIdentifiers, Species: &b.Species}, true)
	row, err := h.st.SaveBSStrain(ctx, requestFrom(ctx).userID(), "", in)
	return saved(ctx, http.StatusCreated, "strain", row, err)
}

// ReplaceStrain replaces a strain's writable fields (PUT, staff only).
func (h *Handlers) ReplaceStrain(ctx context.Context, req brainstemapi.ReplaceStrainRequestObject) (brainstemapi.ReplaceStrainResponseObject, error) {
	b := req.Body
	in := globalInput(globalFields{Name: &b.Name, Description: b.Description, RRID: b.Rrid,
		ExternalIdentifiers: b.ExternalIdentifiers, Species: &b.Species}, true)
	row, err := h.st.SaveBSStrain(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	return saved(ctx, http.StatusOK, "strain", row, err)
}

// UpdateStrain changes the fields sent (PATCH, staff only).
func (h *Handlers) UpdateStrain(ctx context.Context, req brainstemapi.UpdateStrainRequestObject) (brainstemapi.UpdateStrainResponseObject, error) {
	b := req.Body
	in := globalInput(globalFields{Name: b.Name, Description: b.Description, RRID: b.Rrid,
		ExternalIdentifiers: b.ExternalIdentifiers, Species: b.Species}, false)
	row, err := h.st.SaveBSStrain(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	return saved(ctx, http.StatusOK, "strain", row, err)
}

// DeleteStrain deletes a strain (staff only, 204).
func (h *Handlers) DeleteStrain(ctx context.Context, req brainstemapi.DeleteStrainRequestObject) (brainstemapi.DeleteStrainResponseObject, error) {
	if err := h.st.DeleteBSStrain(ctx, requestFrom(ctx).userID(), req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteStrain204Response{}, nil
}

// ---- supplier ----

// ListSuppliers lists the suppliers.
func (h *Handlers) ListSuppliers(ctx context.Context, req brainstemapi.ListSuppliersRequestObject) (brainstemapi.ListSuppliersResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "supplier", "suppliers", h.st.ListBSSuppliers)
}

// PublicListSuppliers lists the suppliers on the public portal.
func (h *Handlers) PublicListSuppliers(ctx context.Context, req brainstemapi.PublicListSuppliersRequestObject) (brainstemapi.PublicListSuppliersResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "supplier", "suppliers", h.st.ListBSSuppliers)
}

// GetSupplier returns one supplier.
func (h *Handlers) GetSupplier(ctx context.Context, req brainstemapi.GetSupplierRequestObject) (brainstemapi.GetSupplierResponseObject, error) {
	return getRecord(ctx, h, "supplier", req.Id.String(), h.st.GetBSSupplier)
}

// PublicGetSupplier returns one supplier on the public portal.
func (h *Handlers) PublicGetSupplier(ctx context.Context, req brainstemapi.PublicGetSupplierRequestObject) (brainstemapi.PublicGetSupplierResponseObject, error) {
	return getRecord(ctx, h, "supplier", req.Id.String(), h.st.GetBSSupplier)
}

// CreateSupplier creates a supplier (staff only, 201).
func (h *Handlers) CreateSupplier(ctx context.Context, req brainstemapi.CreateSupplierRequestObject) (brainstemapi.CreateSupplierResponseObject, error) {
	b := req.Body
	in := globalInput(globalFields{Name: &b.Name, Description: b.Description, Website: b.Website}, true)
	row, err := h.st.SaveBSSupplier(ctx, requestFrom(ctx).userID(), "", in)
	return saved(ctx, http.StatusCreated, "supplier", row, err)
}

// ReplaceSupplier replaces a supplier's writable fields (PUT, staff only).
func (h *Handlers) ReplaceSupplier(ctx context.Context, req brainstemapi.ReplaceSupplierRequestObject) (brainstemapi.ReplaceSupplierResponseObject, error) {
	b := req.Body
	in := globalInput(globalFields{Name: &b.Name, Description: b.Description, Website: b.Website}, true)
	row, err := h.st.SaveBSSupplier(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	return saved(ctx, http.StatusOK, "supplier", row, err)
}

// UpdateSupplier changes the fields sent (PATCH, staff only).
func (h *Handlers) UpdateSupplier(ctx context.Context, req brainstemapi.UpdateSupplierRequestObject) (brainstemapi.UpdateSupplierResponseObject, error) {
	b := req.Body
	in := globalInput(globalFields{Name: b.Name, Description: b.Description, Website: b.Website}, false)
	row, err := h.st.SaveBSSupplier(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	return saved(ctx, http.StatusOK, "supplier", row, err)
}

// DeleteSupplier deletes a supplier (staff only, 204).
func (h *Handlers) DeleteSupplier(ctx context.Context, req brainstemapi.DeleteSupplierRequestObject) (brainstemapi.DeleteSupplierResponseObject, error) {
	if err := h.st.DeleteBSSupplier(ctx, requestFrom(ctx).userID(), req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSupplier204Response{}, nil
}

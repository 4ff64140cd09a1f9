package brainstem_test

import (
	"fmt"
	"net/http"
)

// buildPropAttributes adds to the property test's graph, through the API,
// the taxonomies and resources (written by the staff user u0) and the
// personal attributes of random owners, public or not, with random
// relations; then gives the subjects random licenses.
func buildPropAttributes(g *propGraph, word, text func() string, rrid func() any,
	created func(user, path, key string, body any) map[string]any, add func(model string, rec map[string]any) *pgRec) {
	rng, f := g.rng, g.f
	pickOne := func(recs []*pgRec) []*pgRec {
		if len(recs) == 0 || rng.IntN(3) == 0 {
			return nil
		}
		return []*pgRec{recs[rng.IntN(len(recs))]}
	}
	idOrNil := func(recs []*pgRec) any {
		if len(recs) == 0 {
			return nil
		}
		return recs[0].id
	}
	subset := func(recs []*pgRec, ok func(*pgRec) bool) []*pgRec {
		out := []*pgRec{}
		for _, r := range recs {
			if (ok == nil || ok(r)) && rng.IntN(3) == 0 {
				out = append(out, r)
			}
		}
		return out
	}
	for i := range 3 {
		add("setuptype", created("u0", "/api/private/taxonomies/setuptype/", "setup_type", map[string]any{
			"name": fmt.Sprintf("ST%d %s", i, word()), "description": text(), "category": []string{"I", "F", "U"}[rng.IntN(3)]}))
	}
	for i := range 3 {
		parent := pickOne(g.recs["behavioralcategory"])
		c := add("behavioralcategory", created("u0", "/api/private/taxonomies/behavioralcategory/", "behavioral_category", map[string]any{
			"name": fmt.Sprintf("BC%d %s", i, word()), "description": text(), "parent": idOrNil(parent)}))
		c.rels["parent"] = parent
	}
	for i := range 3 {
		cat, sp := pickOne(g.recs["behavioralcategory"]), subset(g.recs["species"], nil)
		p := add("behavioralparadigm", created("u0", "/api/private/taxonomies/behavioralparadigm/", "behavioral_paradigm", map[string]any{
			"name": fmt.Sprintf("BP%d %s", i, word()), "description": text(), "category": idOrNil(cat), "species": ids2(sp),
			"original_publication": text(), "rrid": rrid()}))
		p.rels["category"], p.rels["species"] = cat, sp
	}
	for i := range 3 {
		add("brainregion", created("u0", "/api/private/taxonomies/brainregion/", "brain_region", map[string]any{
			"name": fmt.Sprintf("BR%d %s", i, word()), "acronym": fmt.Sprintf("R%d", i), "atlas": []string{"AIA", "BM4"}[rng.IntN(2)]}))
	}
	for i := range 2 {
		add("regulatoryauthority", created("u0", "/api/private/taxonomies/regulatoryauthority/", "regulatoryauthority", map[string]any{
			"name": fmt.Sprintf("RA%d %s", i, word()), "abbreviation": word(), "is_active": rng.IntN(2) == 0}))
	}
	suppliers := g.recs["supplier"]
	for i := range 3 {
		sup := suppliers[rng.IntN(len(suppliers))]
		h := add("hardwaredevice", created("u0", "/api/private/resources/hardwaredevice/", "hardwaredevice", map[string]any{
			"name": fmt.Sprintf("HD%d %s", i, word()), "description": text(), "supplier": sup.id, "rrid": rrid()}))
		h.rels["supplier"] = []*pgRec{sup}
		sup = suppliers[rng.IntN(len(suppliers))]
		c := add("consumable", created("u0", "/api/private/resources/consumable/", "consumable", map[string]any{
			"name": fmt.Sprintf("CO%d %s", i, word()), "supplier": sup.id, "type": word(), "details": map[string]any{"n": i}}))
		c.rels["supplier"] = []*pgRec{sup}
	}
	owned := func(model, path, key string, i int, body map[string]any) *pgRec {
		owner, public := rng.IntN(4), rng.IntN(2) == 0
		body["is_public"] = public
		r := add(model, created(g.users[owner], path, key, body))
		r.public, r.owner = public, owner
		return r
	}
	types := g.recs["setuptype"]
	for i := range 5 {
		st := types[rng.IntN(len(types))]
		s := owned("setup", "/api/private/personal_attributes/setup/", "setup", i, map[string]any{
			"name": fmt.Sprintf("SE%d %s", i, word()), "location": word(), "setup_type": st.id})
		s.rels["setup_type"] = []*pgRec{st}
		owned("inventory", "/api/private/personal_attributes/inventory/", "inventory", i, map[string]any{
			"name": fmt.Sprintf("IN%d %s", i, word()), "description": text()})
	}
	for i := range 5 {
		ra := pickOne(g.recs["regulatoryauthority"])
		body := map[string]any{"name": fmt.Sprintf("LI%d %s", i, word()), "type": "animal_research_authorization",
			"status": []string{"draft", "active"}[rng.IntN(2)], "regulatory_authority": idOrNil(ra), "license_number": word()}
		if rng.IntN(2) == 0 {
			body["valid_from"] = fmt.Sprintf("2024-%02d-01", 1+rng.IntN(12))
		}
		l := owned("license", "/api/private/personal_attributes/license/", "license", i, body)
		l.rels["regulatory_authority"], l.rels["behavioralassays"], l.rels["subjects"] = ra, nil, nil
	}
	paradigms := g.recs["behavioralparadigm"]
	for i := range 5 {
		owner, public := rng.IntN(4), rng.IntN(2) == 0
		st, bp := types[rng.IntN(len(types))], paradigms[rng.IntN(len(paradigms))]
		ls := subset(g.recs["license"], func(l *pgRec) bool { return l.public || l.owner == owner })
		a := add("behavioralassay", created(g.users[owner], "/api/private/personal_attributes/behavioralassay/", "behavioralassay", map[string]any{
			"name": fmt.Sprintf("BA%d %s", i, word()), "setup_type": st.id, "behavioral_paradigm": bp.id, "licenses": ids2(ls), "is_public": public}))
		a.public, a.owner = public, owner
		a.rels["setup_type"], a.rels["behavioral_paradigm"], a.rels["licenses"] = []*pgRec{st}, []*pgRec{bp}, ls
		for _, l := range ls {
			l.rels["behavioralassays"] = append(l.rels["behavioralassays"], a)
		}
	}
	for _, sub := range g.recs["subject"] {
		ls := subset(g.recs["license"], func(l *pgRec) bool { return l.public || l.owner == 0 })
		f.must("u0", "PATCH", "/api/private/stem/subject/"+sub.id+"/", map[string]any{"licenses": ids2(ls)}, http.StatusOK)
		sub.rels["licenses"] = ls
		for _, l := range ls {
			l.rels["subjects"] = append(l.rels["subjects"], sub)
		}
	}
}

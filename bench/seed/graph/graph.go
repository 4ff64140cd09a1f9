// Package graph writes the BrainSTEM load of `make bench` straight into a
// store's tables in bulk (no server may be running on it): one user (a
// member with can_change of MemberOf projects) and its token, Projects
// projects owned by another user, and Sessions sessions spread round-robin
// over the projects, each with its modules (a behavior, a data acquisition
// and a manipulation) and a link to a public data storage. bench/seed runs
// it for bench/run.sh; server/bench_test.go runs it for the in-process
// benchmarks of the same reads.
package graph

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/sessionhub/sessionhub/server/brainstem/typeschema"
	"github.com/sessionhub/sessionhub/store"
	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// Options sizes the load.
type Options struct {
	Sessions, Projects, MemberOf int
	Email                        string
	Atlas                        int  // Atlas sessions owned by the bench user
	NoModules                    bool // sessions without modules and data storage link
}

// Result is what the scenarios need.
type Result struct {
	Token      string
	Project    string   // a project the user is a member of
	Session    string   // a session in it
	Visible    []string // the BrainSTEM sessions the user may see
	ProjectIDs []string // the user's projects
	AtlasIDs   []string
	Rows       int // rows written
}

// species gives the session names something to filter on: "rat" matches
// one name in seven.
var species = []string{"rat", "mouse", "macaque", "human", "ferret", "zebrafish", "marmoset"}

// The modules' typed payloads; Seed checks each against its published
// schema first, so every seeded record is one the API would accept.
const (
	daType         = "BehavioralTracking"
	daDetails      = `{"fileName":"tracking.mp4","format":"mp4","frameRate":{"value":60,"unit":"Hz"},"nFrames":108000}`
	manipType      = "OptogeneticStimulation"
	manipDetails   = `[{"power":{"value":10,"unit":"mW"},"repetitions":40,"closedLoop":false}]`
	procType       = "Craniotomy"
	procDetails    = `{}`
	procCoords     = "External_XYZ_Absolute"
	procCoordsJSON = `{}`
)

func checkDetails() (da, manip, proc, coords string, err error) {
	if da, err = typeschema.Validate("dataacquisition", daType, "", json.RawMessage(daDetails)); err != nil {
		return
	}
	if manip, err = typeschema.Validate("manipulation", manipType, "", json.RawMessage(manipDetails)); err != nil {
		return
	}
	if proc, err = typeschema.Validate("procedure", procType, "", json.RawMessage(procDetails)); err != nil {
		return
	}
	coords, err = typeschema.ValidateCoordinates(procCoords, "", json.RawMessage(procCoordsJSON))
	return
}

// Seed writes the load into st in one transaction and runs ANALYZE.
func Seed(ctx context.Context, st *store.Store, o Options) (*Result, error) {
	if o.Email == "" {
		o.Email = "bench@localhost"
	}
	if o.Projects < 1 || o.MemberOf < 1 || o.MemberOf > o.Projects || o.Sessions < o.Projects {
		return nil, errors.New("need 1 <= member-of <= projects <= sessions")
	}
	daVer, manipVer, procVer, coordsVer, err := checkDetails()
	if err != nil {
		return nil, fmt.Errorf("seeded module details: %w", err)
	}
	user, err := st.CreateUser(ctx, o.Email, "")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", o.Email, err)
	}
	owner, err := st.CreateUser(ctx, "owner-"+o.Email, "")
	if err != nil {
		return nil, err
	}
	token, err := st.CreateToken(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	res := &Result{Token: token}

	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var batches []any
	add := func(b any) { batches = append(batches, b) }

	// The shared records the modules point at: a strain (of a species),
	// a public setup and behavioral assay (of a setup type and paradigm),
	// a public data storage; all the other user's.
	speciesRow := bsdb.Species{ID: newUUID(), Name: "Rattus norvegicus", ExternalIdentifiers: "[]", CreatedAt: base, UpdatedAt: base}
	strain := bsdb.Strain{ID: newUUID(), Name: "Long-Evans", SpeciesID: speciesRow.ID, ExternalIdentifiers: "[]", CreatedAt: base, UpdatedAt: base}
	setupType := bsdb.SetupType{ID: newUUID(), Name: "Bench open field", Category: "U", CreatedAt: base, UpdatedAt: base}
	paradigm := bsdb.BehavioralParadigm{ID: newUUID(), Name: "Bench exploration", ExternalIdentifiers: "[]", CreatedAt: base, UpdatedAt: base}
	setup := bsdb.Setup{ID: newUUID(), Name: "Bench arena", SetupTypeID: setupType.ID, Specifications: "{}",
		IsPublic: true, OwnerID: owner.ID, CreatedAt: base, UpdatedAt: base}
	assay := bsdb.BehavioralAssay{ID: newUUID(), Name: "Bench free exploration", SetupTypeID: setupType.ID,
		BehavioralParadigmID: paradigm.ID, IsPublic: true, OwnerID: owner.ID, CreatedAt: base, UpdatedAt: base}
	storage := bsdb.DataStorage{ID: newUUID(), Name: "Bench storage", Location: "bench", IsPublic: true,
		DataOrganization: `["projects","sessions"]`, DataProtocols: `[{"protocol":"Globus","path":"/bench","is_public":true}]`,
		OwnerID: owner.ID, CreatedAt: base, UpdatedAt: base}
	if !o.NoModules {
		add(&[]bsdb.Species{speciesRow})
		add(&[]bsdb.Strain{strain})
		add(&[]bsdb.SetupType{setupType})
		add(&[]bsdb.BehavioralParadigm{paradigm})
		add(&[]bsdb.Setup{setup})
		add(&[]bsdb.BehavioralAssay{assay})
		add(&[]bsdb.DataStorage{storage})
	}

	projects := make([]bsdb.Project, o.Projects)
	var members []bsdb.ProjectMember
	subjects := make([]bsdb.Subject, o.Projects)
	subjectLinks := make([]bsdb.SubjectProject, o.Projects)
	procedures := make([]bsdb.Procedure, o.Projects)
	mine := map[string]bool{}
	step := o.Projects / o.MemberOf
	for i := range projects {
		created := base.Add(time.Duration(i) * time.Second)
		projects[i] = bsdb.Project{
			ID: newUUID(), Name: fmt.Sprintf("project-%04d", i), Description: "bench project",
			ExtraFields: "{}", Tags: `["bench"]`, Publications: "[]",
			CreatedAt: created, UpdatedAt: base,
		}
		members = append(members, bsdb.ProjectMember{ProjectID: projects[i].ID, UserID: owner.ID,
			CanChange: true, IsManager: true, IsOwner: true})
		// The user's projects are spread over the whole range.
		if i%step == 0 && i/step < o.MemberOf {
			members = append(members, bsdb.ProjectMember{ProjectID: projects[i].ID, UserID: user.ID, CanChange: true})
			mine[projects[i].ID] = true
			res.ProjectIDs = append(res.ProjectIDs, projects[i].ID)
		}
		// One subject per project, with one procedure (the manipulations'
		// required procedure).
		subjects[i] = bsdb.Subject{ID: newUUID(), Name: fmt.Sprintf("subject-%04d", i), StrainID: strain.ID,
			Sex: "M", Status: "active", ExtraFields: "{}", Tags: "[]", CreatedAt: created, UpdatedAt: created}
		subjectLinks[i] = bsdb.SubjectProject{SubjectID: subjects[i].ID, ProjectID: projects[i].ID}
		procedures[i] = bsdb.Procedure{ID: newUUID(), Type: procType, SubjectID: subjects[i].ID,
			Details: procDetails, TypeSchemaVersion: procVer, CoordinatesSystem: procCoords,
			CoordinatesDetails: procCoordsJSON, CoordinatesSchemaVersion: coordsVer, CreatedAt: created, UpdatedAt: created}
	}
	add(&projects)
	add(&members)
	if !o.NoModules {
		add(&subjects)
		add(&subjectLinks)
		add(&procedures)
	}

	n := o.Sessions
	sessions := make([]bsdb.Session, n)
	links := make([]bsdb.SessionProject, n)
	var (
		sds        []bsdb.SessionDataStorage
		behaviors  []bsdb.Behavior
		behSubj    []bsdb.BehaviorSubject
		das        []bsdb.DataAcquisition
		manips     []bsdb.Manipulation
		manipProcs []bsdb.ManipulationProcedure
	)
	if !o.NoModules {
		sds = make([]bsdb.SessionDataStorage, n)
		behaviors = make([]bsdb.Behavior, n)
		behSubj = make([]bsdb.BehaviorSubject, n)
		das = make([]bsdb.DataAcquisition, n)
		manips = make([]bsdb.Manipulation, n)
		manipProcs = make([]bsdb.ManipulationProcedure, n)
	}
	for i := range sessions {
		name := fmt.Sprintf("%s-%06d", species[i%len(species)], i)
		dt := base.Add(time.Duration(i) * time.Minute)
		p := i % o.Projects
		sessions[i] = bsdb.Session{
			ID: newUUID(), Name: name, Description: "<p>bench session</p>", DateTime: &dt,
			ExtraFields:       `{"rig":"A","n_channels":64}`,
			DownloadLinks:     `[{"repository":"DANDI","url":"https://dandiarchive.org/dandiset/000001"}]`,
			Tags:              fmt.Sprintf(`["ephys","t%d"]`, i%10),
			NameUsedInStorage: name,
			CreatedAt:         dt, UpdatedAt: dt,
		}
		sid := sessions[i].ID
		links[i] = bsdb.SessionProject{SessionID: sid, ProjectID: projects[p].ID, SessionName: name}
		if mine[projects[p].ID] {
			res.Visible = append(res.Visible, sid)
		}
		if o.NoModules {
			continue
		}
		sds[i] = bsdb.SessionDataStorage{ID: newUUID(), SessionID: sid, DataStorageID: storage.ID}
		behaviors[i] = bsdb.Behavior{ID: newUUID(), SessionID: sid, SetupID: setup.ID, BehavioralAssayID: assay.ID,
			Notes: "bench behavior", CreatedAt: dt, UpdatedAt: dt}
		behSubj[i] = bsdb.BehaviorSubject{BehaviorID: behaviors[i].ID, SubjectID: subjects[p].ID}
		das[i] = bsdb.DataAcquisition{ID: newUUID(), Type: daType, Notes: "bench acquisition", SessionID: sid,
			Details: daDetails, TypeSchemaVersion: daVer, CreatedAt: dt, UpdatedAt: dt}
		manips[i] = bsdb.Manipulation{ID: newUUID(), Type: manipType, Notes: "bench manipulation", SessionID: sid,
			Details: manipDetails, TypeSchemaVersion: manipVer, CreatedAt: dt, UpdatedAt: dt}
		manipProcs[i] = bsdb.ManipulationProcedure{ManipulationID: manips[i].ID, ProcedureID: procedures[p].ID}
	}
	add(&sessions)
	add(&links)
	if !o.NoModules {
		add(&sds)
		add(&behaviors)
		add(&behSubj)
		add(&das)
		add(&manips)
		add(&manipProcs)
	}
	res.AtlasIDs = make([]string, o.Atlas)
	if o.Atlas > 0 {
		atlas := make([]atlasdb.Session, o.Atlas)
		for i := range atlas {
			title := fmt.Sprintf("atlas %s-%06d", species[i%len(species)], i)
			atlas[i] = atlasdb.Session{ID: newUUID(), OwnerID: user.ID, Title: &title,
				CreatedBy: o.Email, CreatedAt: base.Add(time.Duration(i) * time.Second)}
			res.AtlasIDs[i] = atlas[i].ID
		}
		add(&atlas)
	}
	err = st.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, batch := range batches {
			r := tx.Omit(clause.Associations).CreateInBatches(batch, 500)
			if r.Error != nil {
				return r.Error
			}
			res.Rows += int(r.RowsAffected)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := st.W.WithContext(ctx).Exec("ANALYZE").Error; err != nil {
		return nil, err
	}
	// Project 0 is one of the user's; session 0 (a "rat") is in it.
	res.Project, res.Session = projects[0].ID, sessions[0].ID
	return res, nil
}

// newUUID returns a random (version 4) UUID in its canonical text form.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

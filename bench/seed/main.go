// Command seed fills a sessionhub data directory with the BrainSTEM load of
// `make bench`: one user (a member with can_change of -member-of projects)
// and its token, -projects projects owned by another user, and -sessions
// sessions spread round-robin over the projects. It writes straight to the
// store's tables in bulk, so no server may be running on the directory.
// With -atlas N it also gives the user N Atlas sessions, and with -ids DIR
// it writes the id files of the random-id scenarios there.
// It prints shell assignments: TOKEN, PROJECT (a project the user is a
// member of) and SESSION (a session in it).
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sessionhub/sessionhub/store"

	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

// species gives the session names something to filter on: "rat" matches
// one name in seven.
var species = []string{"rat", "mouse", "macaque", "human", "ferret", "zebrafish", "marmoset"}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	data := fs.String("data", "", "sessionhub data directory (created if missing)")
	nSessions := fs.Int("sessions", 100_000, "number of sessions")
	nProjects := fs.Int("projects", 1_000, "number of projects")
	memberOf := fs.Int("member-of", 50, "projects the bench user is a member of")
	email := fs.String("email", "bench@localhost", "the bench user's email")
	nAtlas := fs.Int("atlas", 0, "Atlas sessions owned by the bench user")
	idsDir := fs.String("ids", "", "directory for the id files of the random-id scenarios (atlas.ids, bs.ids, bs-projects.ids)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" || *nProjects < 1 || *memberOf < 1 || *memberOf > *nProjects || *nSessions < *nProjects {
		return errors.New("need -data, and 1 <= -member-of <= -projects <= -sessions")
	}
	st, err := store.Open(*data)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()

	user, err := st.CreateUser(ctx, *email, "")
	if err != nil {
		return fmt.Errorf("create %s: %w", *email, err)
	}
	owner, err := st.CreateUser(ctx, "owner-"+*email, "")
	if err != nil {
		return err
	}
	token, err := st.CreateToken(ctx, user.ID)
	if err != nil {
		return err
	}

	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	projects := make([]bsdb.Project, *nProjects)
	var members []bsdb.ProjectMember
	for i := range projects {
		projects[i] = bsdb.Project{
			ID: newUUID(), Name: fmt.Sprintf("project-%04d", i), Description: "bench project",
			ExtraFields: "{}", Tags: `["bench"]`, Publications: "[]",
			CreatedAt: base.Add(time.Duration(i) * time.Second), UpdatedAt: base,
		}
		members = append(members, bsdb.ProjectMember{ProjectID: projects[i].ID, UserID: owner.ID,
			CanChange: true, IsManager: true, IsOwner: true})
		// The user's projects are spread over the whole range.
		if i%(*nProjects / *memberOf) == 0 && i/(*nProjects / *memberOf) < *memberOf {
			members = append(members, bsdb.ProjectMember{ProjectID: projects[i].ID, UserID: user.ID, CanChange: true})
		}
	}
	sessions := make([]bsdb.Session, *nSessions)
	links := make([]bsdb.SessionProject, *nSessions)
	for i := range sessions {
		name := fmt.Sprintf("%s-%06d", species[i%len(species)], i)
		dt := base.Add(time.Duration(i) * time.Minute)
		sessions[i] = bsdb.Session{
			ID: newUUID(), Name: name, Description: "<p>bench session</p>", DateTime: &dt,
			ExtraFields:       `{"rig":"A","n_channels":64}`,
			DownloadLinks:     `[{"repository":"DANDI","url":"https://dandiarchive.org/dandiset/000001"}]`,
			Tags:              fmt.Sprintf(`["ephys","t%d"]`, i%10),
			NameUsedInStorage: name,
			CreatedAt:         dt, UpdatedAt: dt,
		}
		links[i] = bsdb.SessionProject{SessionID: sessions[i].ID, ProjectID: projects[i%*nProjects].ID}
	}
	atlas := make([]atlasdb.Session, *nAtlas)
	for i := range atlas {
		title := fmt.Sprintf("atlas %s-%06d", species[i%len(species)], i)
		atlas[i] = atlasdb.Session{ID: newUUID(), OwnerID: user.ID, Title: &title,
			CreatedBy: *email, CreatedAt: base.Add(time.Duration(i) * time.Second)}
	}
	err = st.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		batches := []any{&projects, &members, &sessions, &links}
		if len(atlas) > 0 {
			batches = append(batches, &atlas)
		}
		for _, batch := range batches {
			if err := tx.Omit("Project", "User", "Session", "Owner").CreateInBatches(batch, 500).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := st.W.WithContext(ctx).Exec("ANALYZE").Error; err != nil {
		return err
	}
	if *idsDir != "" {
		// The user's projects are those with a member row for it; their
		// sessions are the ones it may see.
		mine := map[string]bool{}
		var projectIDs []string
		for _, m := range members {
			if m.UserID == user.ID {
				mine[m.ProjectID] = true
				projectIDs = append(projectIDs, m.ProjectID)
			}
		}
		var visible []string
		for _, l := range links {
			if mine[l.ProjectID] {
				visible = append(visible, l.SessionID)
			}
		}
		atlasIDs := make([]string, len(atlas))
		for i, a := range atlas {
			atlasIDs[i] = a.ID
		}
		for name, ids := range map[string][]string{"atlas.ids": atlasIDs, "bs.ids": visible, "bs-projects.ids": projectIDs} {
			if err := os.WriteFile(filepath.Join(*idsDir, name), []byte(strings.Join(ids, "\n")+"\n"), 0o644); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(os.Stderr, "seed: %d sessions over %d projects (member of %d) in %s\n",
		*nSessions, *nProjects, *memberOf, time.Since(start).Round(time.Millisecond))
	// Project 0 is one of the user's; session 0 (a "rat") is in it.
	fmt.Fprintf(stdout, "TOKEN=%s\nPROJECT=%s\nSESSION=%s\n", token, projects[0].ID, sessions[0].ID)
	return nil
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

// Command pocketbase is the peer of `make bench`: PocketBase used as a
// library, with one public collection "sessions" holding an Atlas session's
// fields plus an indexed "project" (for the filtered-list scenario), created
// at start if missing, and request logs off. It lives in its own module
// (go.mod here) so that PocketBase never enters sessionhub's module graph.
//
//	pocketbase seed --dir DIR --count 10000 --projects 50 --ids FILE --project-ids FILE
//	pocketbase serve --http 127.0.0.1:PORT --dir DIR
package main

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"log"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/spf13/cobra"
)

func main() {
	app := pocketbase.New()
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := setUp(se.App); err != nil {
			return err
		}
		return se.Next()
	})
	app.RootCmd.AddCommand(seedCommand(app))
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}

// setUp turns request logs off and creates the sessions collection with
// every rule public (anyone may list, view, create, update and delete).
func setUp(app core.App) error {
	settings := app.Settings()
	settings.Logs.MaxDays = 0
	if err := app.Save(settings); err != nil {
		return err
	}
	if _, err := app.FindCollectionByNameOrId("sessions"); err == nil {
		return nil
	}
	c := core.NewBaseCollection("sessions")
	public := types.Pointer("")
	c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule = public, public, public, public, public
	c.Fields.Add(
		&core.TextField{Name: "title"},
		&core.TextField{Name: "description"},
		&core.TextField{Name: "created_by"},
		&core.TextField{Name: "project"},
		&core.DateField{Name: "starred_at"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_sessions_project", false, "project", "")
	return app.Save(c)
}

// species matches bench/seed: "rat" is in one title in seven.
var species = []string{"rat", "mouse", "macaque", "human", "ferret", "zebrafish", "marmoset"}

// seedCommand writes n records in one transaction (before serve) and the
// record ids and project names, one a line, to the given files.
func seedCommand(app core.App) *cobra.Command {
	var n, projects int
	var idsPath, projectsPath string
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "create the bench records",
		RunE: func(*cobra.Command, []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			if err := setUp(app); err != nil {
				return err
			}
			// A superuser, so that serve does not offer its installer.
			su, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
			if err != nil {
				return err
			}
			admin := core.NewRecord(su)
			admin.SetEmail("bench@example.com")
			admin.SetPassword(newID())
			if err := app.Save(admin); err != nil {
				return err
			}
			col, err := app.FindCollectionByNameOrId("sessions")
			if err != nil {
				return err
			}
			ids := make([]string, n)
			err = app.RunInTransaction(func(tx core.App) error {
				for i := range ids {
					ids[i] = newID()
					r := core.NewRecord(col)
					r.Set("id", ids[i])
					r.Set("title", fmt.Sprintf("%s-%06d", species[i%len(species)], i))
					r.Set("description", "bench session")
					r.Set("created_by", "bench@localhost")
					r.Set("project", fmt.Sprintf("p%03d", i%projects))
					if err := tx.Save(r); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := writeLines(idsPath, ids); err != nil {
				return err
			}
			names := make([]string, projects)
			for i := range names {
				names[i] = fmt.Sprintf("p%03d", i)
			}
			return writeLines(projectsPath, names)
		},
	}
	cmd.Flags().IntVar(&n, "count", 10000, "records to create")
	cmd.Flags().IntVar(&projects, "projects", 50, "distinct project values")
	cmd.Flags().StringVar(&idsPath, "ids", "pb-ids.txt", "file for the record ids")
	cmd.Flags().StringVar(&projectsPath, "project-ids", "pb-projects.txt", "file for the project values")
	return cmd
}

func writeLines(path string, lines []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// newID returns a random 15-character id of [a-z0-9], PocketBase's default.
func newID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Command seed fills a sessionhub data directory with the BrainSTEM load of
// `make bench` (package bench/seed/graph): one user (a member with
// can_change of -member-of projects) and its token, -projects projects
// owned by another user, and -sessions sessions spread round-robin over
// the projects, each with a behavior, a data acquisition, a manipulation
// and a data storage link. It writes straight to the store's tables in
// bulk, so no server may be running on the directory. With -atlas N it
// also gives the user N Atlas sessions, and with -ids DIR it writes the id
// files of the random-id scenarios there.
// It prints shell assignments: TOKEN, PROJECT (a project the user is a
// member of) and SESSION (a session in it).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sessionhub/sessionhub/bench/seed/graph"
	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/store"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	data := fs.String("data", "", "sessionhub data directory (created if missing)")
	var o graph.Options
	fs.IntVar(&o.Sessions, "sessions", 100_000, "number of sessions")
	fs.IntVar(&o.Projects, "projects", 1_000, "number of projects")
	fs.IntVar(&o.MemberOf, "member-of", 50, "projects the bench user is a member of")
	fs.StringVar(&o.Email, "email", "bench@localhost", "the bench user's email")
	fs.IntVar(&o.Atlas, "atlas", 0, "Atlas sessions owned by the bench user")
	fs.BoolVar(&o.NoModules, "no-modules", false, "sessions without modules and data storage link")
	idsDir := fs.String("ids", "", "directory for the id files of the random-id scenarios (atlas.ids, bs.ids, bs-projects.ids)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		return fmt.Errorf("need -data")
	}
	st, err := store.Open(*data, server.Tables()...)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	res, err := graph.Seed(ctx, st, o)
	if err != nil {
		return err
	}
	if *idsDir != "" {
		for name, ids := range map[string][]string{"atlas.ids": res.AtlasIDs, "bs.ids": res.Visible, "bs-projects.ids": res.ProjectIDs} {
			if err := os.WriteFile(filepath.Join(*idsDir, name), []byte(strings.Join(ids, "\n")+"\n"), 0o644); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(os.Stderr, "seed: %d sessions over %d projects (member of %d), %d rows, in %s\n",
		o.Sessions, o.Projects, o.MemberOf, res.Rows, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "TOKEN=%s\nPROJECT=%s\nSESSION=%s\n", res.Token, res.Project, res.Session)
	return nil
}

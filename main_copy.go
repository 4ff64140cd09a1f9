package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/store"
)

// copyCmd runs `copy --from sqlite://DIR --to postgres://… [--blobs s3://…
// | --data DIR] [--replace]`: moves a single-node installation (its rows
// and its attachments' bytes) to PostgreSQL and a blob store, then prints
// the rows of every table and the blobs on both sides, and fails when any
// differ.
func copyCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the installation to copy: sqlite://DIR (its data directory; no server may run on it)")
	to := fs.String("to", getenv("SESSIONHUB_DB"), "the PostgreSQL database to fill: postgres://… (migrated first if needed; env SESSIONHUB_DB)")
	blobs := fs.String("blobs", getenv("SESSIONHUB_BLOBS"), "where the attachments go: s3://BUCKET[/PREFIX]?endpoint=… as for serve (env SESSIONHUB_BLOBS)")
	data := fs.String("data", "", "where the attachments go without --blobs: the data directory the nodes will serve with --data")
	replace := fs.Bool("replace", false, "empty a target database that already has rows, instead of refusing it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("copy: unexpected arguments %q", fs.Args())
	}
	srcDir, ok := strings.CutPrefix(*from, "sqlite://")
	if !ok || srcDir == "" {
		return errors.New("copy: --from sqlite://DIR names the data directory to copy")
	}
	if !store.IsPostgresURL(*to) {
		return errors.New("copy: --to postgres://… names the PostgreSQL database to copy into")
	}
	if (*blobs == "") == (*data == "") {
		return errors.New("copy: say where the attachments go: --blobs s3://… or --data DIR (one of them)")
	}
	if *data == srcDir {
		return errors.New("copy: --data must not be the directory copied from")
	}

	unlock, err := store.LockDataDir(srcDir)
	if err != nil {
		return err
	}
	defer unlock()
	src, err := store.OpenWith(store.Options{DataDir: srcDir, Migrate: true, Tables: server.Tables()})
	if err != nil {
		return err
	}
	defer src.Close()
	dstDir := *data
	if dstDir == "" {
		// With --blobs the target's data directory holds nothing copy needs.
		if dstDir, err = os.MkdirTemp("", "sessionhub-copy-"); err != nil {
			return err
		}
		defer os.RemoveAll(dstDir)
	}
	dst, err := store.OpenWith(store.Options{DataDir: dstDir, DatabaseURL: *to, Migrate: true, Tables: server.Tables()})
	if err != nil {
		return err
	}
	defer dst.Close()
	for _, m := range dst.Migrated() {
		fmt.Fprintf(stdout, "target: applied version %d (%s)\n", m.Version, m.Name)
	}
	if *blobs != "" {
		b, err := store.OpenS3Blobs(ctx, *blobs, getenv, 1<<40)
		if err != nil {
			return err
		}
		dst.SetBlobs(b)
	}
	report, err := store.Copy(ctx, src, dst, *replace, func(line string) { fmt.Fprintln(stdout, line) })
	if errors.Is(err, store.ErrTargetNotEmpty) {
		return fmt.Errorf("copy: %w; copy into a new database, or pass --replace to empty this one first", err)
	}
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	return printCopyReport(stdout, report)
}

// printCopyReport prints the row counts per table and the blob checks, and
// returns an error naming what differs.
func printCopyReport(w io.Writer, r *store.CopyReport) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "table\tsource rows\ttarget rows\t")
	var bad []string
	for _, t := range r.Tables {
		mark := "ok"
		if t.Source != t.Target {
			mark = "DIFFERENT"
			bad = append(bad, "table "+t.Name)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", t.Name, t.Source, t.Target, mark)
	}
	tw.Flush()
	okBlobs := 0
	for _, b := range r.Blobs {
		if b.OK() {
			okBlobs++
			continue
		}
		bad = append(bad, "blob "+b.ID)
		fmt.Fprintf(w, "blob %s: row sha256 %s, source %s (%v), target %s (%v): DIFFERENT\n", b.ID, b.Want, b.Source, b.SourceErr, b.Target, b.TargetErr)
	}
	fmt.Fprintf(w, "blobs: %d of %d with the sha256 of their row on both sides\n", okBlobs, len(r.Blobs))
	if len(bad) > 0 {
		return fmt.Errorf("copy: the target differs from the source: %s", strings.Join(bad, ", "))
	}
	fmt.Fprintln(w, "copy verified: every table has the same rows on both sides and every blob the same sha256")
	return nil
}

// Command baseline is the bare-Echo yardstick of `make bench`: the same
// framework as sessionhub with none of its work. It answers GET
// /sessions/{id} with a fixed Atlas session, GET
// /api/private/stem/session/{id}/ with a fixed BrainSTEM session (its
// project embedded, listing 100 sessions like the seeded projects) or,
// with -bs-modules FILE and an include[] in the query, with the answer in
// FILE (bench/run.sh saves sessionhub's answer to the workflow's read, the
// session with its projects, data storage and modules embedded: decoded
// once, encoded again on every request with the requested id), and
// POST /upload by streaming every multipart part to a temp file (removed
// afterwards). It prints its listen address on stdout.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	dir := fs.String("dir", os.TempDir(), "directory for uploaded files")
	modules := fs.String("bs-modules", "", "a BrainSTEM session answer ({\"session\": {...}}) with its modules embedded, served for the detail with include[]")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var withModules map[string]any
	if *modules != "" {
		b, err := os.ReadFile(*modules)
		if err != nil {
			return err
		}
		var answer struct {
			Session map[string]any `json:"session"`
		}
		if err := json.Unmarshal(b, &answer); err != nil || answer.Session == nil {
			return fmt.Errorf("%s: not a session answer: %v", *modules, err)
		}
		withModules = answer.Session
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/sessions/:id", func(c echo.Context) error {
		s := atlasSession
		s.SessionID = c.Param("id")
		return c.JSON(http.StatusOK, s)
	})
	e.GET("/api/private/stem/session/:id/", func(c echo.Context) error {
		// With include[] (the workflow's read of the session and its
		// modules): the answer given with -bs-modules, its id replaced.
		if withModules != nil && c.QueryParams().Has("include[]") {
			s := maps.Clone(withModules)
			s["id"] = c.Param("id")
			return c.JSON(http.StatusOK, map[string]any{"session": s})
		}
		s := stemSession
		s.ID = c.Param("id")
		return c.JSON(http.StatusOK, map[string]any{"session": s})
	})
	e.POST("/upload", func(c echo.Context) error { return upload(c, *dir) })

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr().String())
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// upload streams each part of a multipart body to its own temp file, the
// least a multipart-to-file handler can do.
func upload(c echo.Context, dir string) error {
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, err.Error())
	}
	var files, total int64
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, err.Error())
		}
		n, err := savePart(p, dir)
		if err != nil {
			return err
		}
		files++
		total += n
	}
	return c.JSON(http.StatusCreated, map[string]int64{"count": files, "bytes": total})
}

func savePart(p *multipart.Part, dir string) (int64, error) {
	defer p.Close()
	f, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	n, err := io.Copy(f, p)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

type attachment struct {
	AttachmentID        string  `json:"attachment_id"`
	AttachmentName      string  `json:"attachment_name"`
	AttachmentType      string  `json:"attachment_type"`
	AttachmentTitle     *string `json:"attachment_title"`
	AttachmentDesc      *string `json:"attachment_description"`
	AttachmentCitation  *string `json:"attachment_citation"`
	AttachmentSourceID  string  `json:"attachment_source_session_id"`
	AttachmentCreatedBy string  `json:"attachment_created_by"`
	AttachmentCreatedAt string  `json:"attachment_created_at"`
	AttachmentIsVisible bool    `json:"is_visible"`
}

type session struct {
	SessionID          string       `json:"session_id"`
	SessionTitle       *string      `json:"session_title"`
	SessionDescription *string      `json:"session_description"`
	SessionCreatedBy   string       `json:"session_created_by"`
	SessionCreatedAt   string       `json:"session_created_at"`
	Attachments        []attachment `json:"attachments"`
	ImportedProjects   []string     `json:"imported_projects"`
	IsStarred          bool         `json:"is_starred"`
	StarredAt          *string      `json:"starred_at"`
}

var title = "New Atlas session"

var atlasSession = session{
	SessionTitle:     &title,
	SessionCreatedBy: "bench@localhost",
	SessionCreatedAt: "2026-01-02T03:04:05Z",
	Attachments:      []attachment{},
	ImportedProjects: []string{},
}

type project struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Description  string            `json:"description"`
	Sessions     []string          `json:"sessions"`
	Subjects     []string          `json:"subjects"`
	Collections  []string          `json:"collections"`
	Cohorts      []string          `json:"cohorts"`
	Publications []string          `json:"publications"`
	ExtraFields  map[string]any    `json:"extra_fields"`
	IsPublic     bool              `json:"is_public"`
	Tags         []string          `json:"tags"`
	Links        map[string]string `json:"links"`
}

type stem struct {
	ID                string              `json:"id"`
	Name              string              `json:"name"`
	Description       string              `json:"description"`
	Epochs            []string            `json:"epochs"`
	Projects          []project           `json:"projects"`
	DateTime          *string             `json:"date_time"`
	Datastorage       []string            `json:"datastorage"`
	ExtraFields       map[string]any      `json:"extra_fields"`
	DownloadLinks     []map[string]string `json:"download_links"`
	DataAcquisition   []string            `json:"dataacquisition"`
	Behaviors         []string            `json:"behaviors"`
	Manipulations     []string            `json:"manipulations"`
	NameUsedInStorage string              `json:"name_used_in_storage"`
	Tags              []string            `json:"tags"`
	Links             map[string]string   `json:"links"`
}

// projectSessions mirrors the seeded data: each project lists 100 sessions.
var projectSessions = func() []string {
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	}
	return ids
}()

var stemSession = stem{
	Name:        "rat-000042",
	Description: "<p>bench session</p>",
	Epochs:      []string{},
	Projects: []project{{
		ID: "00000000-0000-4000-8000-000000000001", Name: "project-0042", Description: "bench project",
		Sessions: projectSessions, Subjects: []string{}, Collections: []string{}, Cohorts: []string{},
		Publications: []string{}, ExtraFields: map[string]any{}, Tags: []string{},
		Links: map[string]string{"sessions": "sessions/"},
	}},
	Datastorage:       []string{},
	ExtraFields:       map[string]any{"rig": "A", "n_channels": 64},
	DownloadLinks:     []map[string]string{{"repository": "DANDI", "url": "https://dandiarchive.org/dandiset/000001"}},
	DataAcquisition:   []string{},
	Behaviors:         []string{},
	Manipulations:     []string{},
	NameUsedInStorage: "rat-000042",
	Tags:              []string{"ephys"},
	Links:             map[string]string{"projects": "projects/"},
}

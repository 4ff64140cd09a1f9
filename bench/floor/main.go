// Command floor is the lower yardstick of `make bench` for reads: Echo +
// GORM + SQLite (the same driver as sessionhub) answering GET
// /sessions/{id} with one row looked up by primary key and encoded as JSON,
// and nothing else (no auth, validation, logging or cache). With -seed N it
// first creates N rows in a fresh database in -dir and writes their ids, one
// a line, to -ids. It prints its listen address on stdout.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Session has an Atlas session's columns.
type Session struct {
	ID          string     `gorm:"primaryKey;type:text" json:"session_id"`
	OwnerID     uint       `gorm:"not null" json:"-"`
	Title       *string    `json:"title"`
	Description *string    `json:"description"`
	CreatedBy   string     `gorm:"not null" json:"created_by"`
	CreatedAt   time.Time  `gorm:"not null" json:"created_at"`
	StarredAt   *time.Time `json:"starred_at"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	dir := fs.String("dir", "", "directory of the database (floor.db)")
	seed := fs.Int("seed", 0, "rows to create before serving")
	idsPath := fs.String("ids", "", "file for the seeded ids")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("need -dir")
	}
	dsn := "file:" + filepath.Join(*dir, "floor.db") + "?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=5000"
	db, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return err
	}
	if err := db.AutoMigrate(&Session{}); err != nil {
		return err
	}
	if *seed > 0 {
		if err := seedRows(db, *seed, *idsPath); err != nil {
			return err
		}
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/sessions/:id", func(c echo.Context) error {
		var s Session
		err := db.WithContext(c.Request().Context()).First(&s, "id = ?", c.Param("id")).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, &s)
	})
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

func seedRows(db *gorm.DB, n int, idsPath string) error {
	rows := make([]Session, n)
	now := time.Now().UTC()
	for i := range rows {
		title := fmt.Sprintf("session %d", i)
		rows[i] = Session{ID: newUUID(), OwnerID: 1, Title: &title, CreatedBy: "bench@localhost", CreatedAt: now}
	}
	if err := db.CreateInBatches(rows, 500).Error; err != nil {
		return err
	}
	if idsPath == "" {
		return nil
	}
	f, err := os.Create(idsPath)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, r := range rows {
		fmt.Fprintln(w, r.ID)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

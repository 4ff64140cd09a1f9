package admin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sessionhub/sessionhub/store"
)

// Deps are what the admin listener needs.
type Deps struct {
	Gatherer prometheus.Gatherer
	Store    *store.Store
	Log      *slog.Logger
	// MinFreeBytes is the free-space floor of the blob directory's disk
	// below which /readyz fails; 0 checks only that the disk is not full.
	MinFreeBytes int64
}

// readyTimeout bounds each /readyz check.
const readyTimeout = 2 * time.Second

// Handler serves the admin listener: /metrics (Prometheus text format),
// /livez (the process answers), /readyz (database reachable, blob directory
// writable, free space above the floor: 200 or 503 with the failed checks)
// and /debug/pprof/.
func Handler(d Deps) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.Gatherer, promhttp.HandlerOpts{ErrorLog: slogAdapter{d.Log}}))
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := Ready(ctx, d.Store, d.MinFreeBytes); err != nil {
			d.Log.Warn("readyz: not ready", "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, err)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// Ready checks that the store can serve: the database answers a query, a
// file can be created in the blob directory, and its disk has at least
// minFree bytes free (and is not full). It returns every failed check.
func Ready(ctx context.Context, st *store.Store, minFree int64) error {
	var errs []error
	if err := st.R.WithContext(ctx).Exec("SELECT 1").Error; err != nil {
		errs = append(errs, fmt.Errorf("database: %w", err))
	}
	f, err := os.CreateTemp(st.BlobDir, ".readyz-*")
	if err == nil {
		name := f.Name()
		err = errors.Join(f.Close(), os.Remove(name))
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("blob directory not writable: %w", err))
	}
	if free, ok := st.FreeBytes(); ok && (free < minFree || free == 0) {
		errs = append(errs, fmt.Errorf("free space: %d bytes free, floor %d", free, minFree))
	}
	return errors.Join(errs...)
}

// slogAdapter lets promhttp log through slog.
type slogAdapter struct{ log *slog.Logger }

func (a slogAdapter) Println(v ...any) { a.log.Error("metrics", "error", fmt.Sprint(v...)) }

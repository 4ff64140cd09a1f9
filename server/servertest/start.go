package servertest

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/store"
)

// Start serves an already open store through the full stack with cfg, for
// tests whose config needs the store first (metrics). The caller closes st.
func Start(t *testing.T, st *store.Store, cfg server.Config) *Env {
	t.Helper()
	h, err := server.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &Env{t: t, Store: st, Srv: srv}
}

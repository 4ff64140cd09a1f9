package server

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"

	"github.com/sessionhub/sessionhub/openapi"
)

// registerDocs serves every embedded spec as /openapi/NAME.yaml and
// /openapi/NAME.json, and Swagger UI (embedded assets, no internet) at /docs
// with a selector over the specs.
func (s *Server) registerDocs(e *echo.Echo) error {
	names, err := fs.Glob(openapi.Specs, "*.yaml")
	if err != nil {
		return err
	}
	sort.Strings(names)
	var urls []string
	for _, file := range names {
		name := strings.TrimSuffix(file, ".yaml")
		raw, err := openapi.Specs.ReadFile(file)
		if err != nil {
			return err
		}
		doc, err := openapi3.NewLoader().LoadFromData(raw)
		if err != nil {
			return fmt.Errorf("load %s: %w", file, err)
		}
		js, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return fmt.Errorf("marshal %s: %w", file, err)
		}
		e.GET("/openapi/"+name+".yaml", func(c echo.Context) error {
			return c.Blob(http.StatusOK, "application/yaml", raw)
		})
		e.GET("/openapi/"+name+".json", func(c echo.Context) error {
			return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, js)
		})
		urls = append(urls, fmt.Sprintf("{url: %q, name: %q}", "/openapi/"+name+".json", name))
	}
	if len(urls) == 0 {
		return nil
	}
	ui := v5emb.NewWithConfig(swgui.Config{
		ShowTopBar: true,
		SettingsUI: map[string]string{
			"urls":                   "[" + strings.Join(urls, ", ") + "]",
			"persistAuthorization":   "true",
			"tryItOutEnabled":        "true",
			"displayRequestDuration": "true",
		},
	})("sessionhub API docs", "/openapi/"+strings.TrimSuffix(names[0], ".yaml")+".json", "/docs/")
	h := echo.WrapHandler(ui)
	e.GET("/docs", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/docs/") })
	e.GET("/docs/*", h)
	return nil
}

package server

import "github.com/labstack/echo/v4"

// registerAtlas mounts the Atlas sessions API.
func (s *Server) registerAtlas(e *echo.Echo) error { return nil }

// atlasError renders an error in the Atlas API's error shape.
func (s *Server) atlasError(err error, c echo.Context) { s.plainError(err, c) }

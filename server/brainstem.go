package server

import "github.com/labstack/echo/v4"

// registerBrainstem mounts the BrainSTEM API.
func (s *Server) registerBrainstem(e *echo.Echo) error { return nil }

// brainstemError renders an error in Django REST framework's shapes.
func (s *Server) brainstemError(err error, c echo.Context) { s.plainError(err, c) }

package server_test

import (
	"os"
	"testing"

	"github.com/sessionhub/sessionhub/store/pgtest"
)

// TestMain stops the PostgreSQL cluster that SESSIONHUB_TEST_DB=postgres
// starts for these tests.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

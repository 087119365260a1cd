package catalog

import (
	"os"
	"testing"
)

// childEnv, when set to a directory, turns the test binary into the crash
// test's writer process instead of running tests.
const childEnv = "CAI_CATALOG_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		os.Exit(crashChild(dir))
	}
	os.Exit(m.Run())
}

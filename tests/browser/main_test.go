package browser

import "testing"

// TestMain runs the tests in a loopback-only network namespace (see Main).
func TestMain(m *testing.M) { Main(m) }

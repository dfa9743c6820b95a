package admin

import (
	"testing"

	"github.com/hookswitch/hookswitch/tests/browser"
)

// TestMain runs the tests in a loopback-only network namespace, as every
// browser test package does.
func TestMain(m *testing.M) { browser.Main(m) }

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hookswitch/hookswitch/tests/browser"
)

// The processes, ports, switch and baresips come from tests/browser's
// peers; what stays here is e2e's own policy on them.

// requireBaresip returns the baresip binary, or skips the test when it is
// missing; under CI a missing baresip is a failure, never a skip.
func requireBaresip(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("baresip")
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("baresip not found (%v) and CI is set: install baresip-core", err)
	}
	t.Skip("baresip not installed (apt-get install -y baresip-core); skipping real-peer test")
	return ""
}

// buildSwitch compiles cmd/hookswitch as a plain SIP switch: UDP and TCP
// on loopback, no HTTPS, no WebRTC gateway, no admin HTTP.
func buildSwitch(t *testing.T) *browser.Switch {
	t.Helper()
	sw := browser.BuildSwitchIn(t, filepath.Join("..", ".."))
	sw.SIPOnly = true
	return sw
}

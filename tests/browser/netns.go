package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// netnsEnv marks a test binary already running in its own network
// namespace.
const netnsEnv = "HOOKSWITCH_BROWSER_NETNS"

// Main is the TestMain of every package with browser tests. It runs the
// tests in a network namespace whose only interface is loopback: a browser
// sends WebRTC connectivity checks from every interface it finds, and our
// tests may reach loopback addresses only. The binary runs itself again
// under `unshare -rn` (a user namespace: no root needed) after bringing lo
// up there. With HOOKSWITCH_SKIP_BROWSER=1 the tests run where they are.
//
//	func TestMain(m *testing.M) { browser.Main(m) }
func Main(m *testing.M) {
	if os.Getenv(netnsEnv) != "" || os.Getenv(SkipEnv) == "1" {
		os.Exit(m.Run())
	}
	cmd := exec.Command("unshare", append([]string{"-rn", "sh", "-c", `ip link set lo up && exec "$0" "$@"`, os.Args[0]}, os.Args[1:]...)...)
	cmd.Env = append(os.Environ(), netnsEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		os.Exit(0)
	case errors.As(err, &exit):
		os.Exit(exit.ExitCode())
	}
	fmt.Fprintf(os.Stderr, "tests/browser: cannot run in a loopback-only network namespace (unshare -rn, ip from iproute2): %v\n", err)
	os.Exit(1)
}

package e2e

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
)

// TestBaresipHarnessDirect validates the harness without the switch: two
// baresips call each other directly and each must hear the other's tone.
// If this fails, the environment (baresip, modules) is at fault, not the
// switch.
func TestBaresipHarnessDirect(t *testing.T) {
	bin := requireBaresip(t)
	wav1001, wav1002 := writeTones(t)
	b := browser.StartBaresipConfig(t, bin, browser.BaresipConfig{
		Name:     "baresip-1002",
		Account:  "<sip:1002@127.0.0.1>;regint=0;answermode=auto;audio_codecs=pcmu,pcma",
		ToneWAV:  wav1002,
		RTPPorts: "32000-32999",
	})
	a := browser.StartBaresipConfig(t, bin, browser.BaresipConfig{
		Name:     "baresip-1001",
		Account:  "<sip:1001@127.0.0.1>;regint=0;audio_codecs=pcmu,pcma",
		ToneWAV:  wav1001,
		RTPPorts: "31000-31999",
	})
	a.Command(t, fmt.Sprintf("/dial sip:1002@127.0.0.1:%d", b.Port))
	runCall(t, a, b, 4*time.Second)
	checkHeard(t, "1001", a, tone1002, tone1001)
	checkHeard(t, "1002", b, tone1001, tone1002)
}

// runCall waits until a (the caller) and b are both in the call, lets it
// run for talk, hangs up from a and stops both baresips so their
// recordings are complete.
func runCall(t *testing.T, a, b *browser.Baresip, talk time.Duration) {
	t.Helper()
	for _, u := range []*browser.Baresip{a, b} {
		if err := u.WaitOutput(browser.BaresipEstablished, 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(talk)
	a.Command(t, "/hangup")
	for _, u := range []*browser.Baresip{a, b} {
		if err := u.WaitOutput(browser.BaresipTerminated, 5*time.Second); err != nil {
			t.Error(err)
		}
	}
	for _, u := range []*browser.Baresip{a, b} {
		if !u.Stop(syscall.SIGTERM, 5*time.Second) {
			t.Logf("%s needed SIGKILL", u.Name)
		}
	}
}

package wcp

import (
	"fmt"
	"log/slog"
	"net/netip"
	"sync/atomic"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/ua"
)

// BrowserUA is the UA stack sessions register through, and the call
// layer's test for its bindings: they register over loopback UDP, yet the
// switch must offer them WebRTC. Set the switch's Config.Call.Browser to
// Owns before it starts (the stack needs the switch's UDP port, so it
// starts after), then Start.
type BrowserUA struct {
	st atomic.Pointer[ua.Stack]
}

// Owns says whether a binding was registered by the stack.
func (b *BrowserUA) Owns(bd store.Binding) bool {
	st := b.st.Load()
	return st != nil && st.Sent(bd.Source)
}

// Start binds the stack on loopback, talking to the switch's UDP listener
// sw (a loopback or unspecified address).
func (b *BrowserUA) Start(sw netip.AddrPort, log *slog.Logger) (*ua.Stack, error) {
	if !sw.IsValid() {
		return nil, fmt.Errorf("wcp: the switch has no SIP UDP listener")
	}
	a := sw.Addr().Unmap()
	if !a.IsLoopback() && !a.IsUnspecified() {
		return nil, fmt.Errorf("wcp: the SIP UDP listener %s is not on loopback or all addresses", sw)
	}
	lo := netip.MustParseAddr("127.0.0.1")
	if a.Is6() {
		lo = netip.IPv6Loopback()
	}
	st, err := ua.New(ua.Config{Listen: netip.AddrPortFrom(lo, 0).String(), Server: netip.AddrPortFrom(lo, sw.Port()),
		Logger: log, UserAgent: "hookswitch-wcp", MaxSubscriptions: maxBLF + 1}) // the lamps and MWI
	if err != nil {
		return nil, fmt.Errorf("wcp: ua stack: %w", err)
	}
	b.st.Store(st)
	return st, nil
}

// Close unregisters the sessions' accounts and ends their calls.
func (b *BrowserUA) Close() error {
	if st := b.st.Load(); st != nil {
		return st.Close()
	}
	return nil
}

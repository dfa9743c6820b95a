package phone

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrConfig is wrapped by every error New returns for a bad Config.
var ErrConfig = errors.New("phone: bad config")

// DefaultWCP is the web-call-protocol path the pages connect to when
// Config.WCP is empty (docs/web-call-protocol.md, "Transport").
const DefaultWCP = "/wcp"

// Config is what the pages learn from config.json.
type Config struct {
	// WCP is the web-call-protocol endpoint: a path on the page's own host
	// ("/wcp" when empty), or an absolute ws:// or wss:// URL.
	WCP string
	// ICEServers go to every RTCPeerConnection the pages make. The switch
	// is ICE-lite with a public address, so none are needed to reach it;
	// STUN helps browsers behind symmetric NATs.
	ICEServers []ICEServer
}

// ICEServer is one entry of RTCConfiguration.iceServers.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// json checks c and renders config.json.
func (c Config) json() ([]byte, error) {
	wcp := c.WCP
	if wcp == "" {
		wcp = DefaultWCP
	}
	if err := checkWCP(wcp); err != nil {
		return nil, err
	}
	servers := c.ICEServers
	if servers == nil {
		servers = []ICEServer{}
	}
	for i, s := range servers {
		if len(s.URLs) == 0 {
			return nil, fmt.Errorf("%w: ICE server %d has no URL", ErrConfig, i)
		}
		for _, u := range s.URLs {
			scheme, _, ok := strings.Cut(u, ":")
			if !ok || (scheme != "stun" && scheme != "stuns" && scheme != "turn" && scheme != "turns") {
				return nil, fmt.Errorf("%w: ICE server URL %q is not stun:, stuns:, turn: or turns:", ErrConfig, u)
			}
		}
	}
	b, err := json.Marshal(struct {
		WCP        string      `json:"wcp"`
		ICEServers []ICEServer `json:"iceServers"`
	}{wcp, servers})
	if err != nil {
		return nil, fmt.Errorf("phone: config.json: %w", err)
	}
	return b, nil
}

func checkWCP(wcp string) error {
	if strings.HasPrefix(wcp, "/") && !strings.HasPrefix(wcp, "//") {
		if u, err := url.Parse(wcp); err != nil || u.Path != wcp {
			return fmt.Errorf("%w: WCP path %q is not a plain path", ErrConfig, wcp)
		}
		return nil
	}
	u, err := url.Parse(wcp)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return fmt.Errorf("%w: WCP %q is neither a path nor a ws:// or wss:// URL", ErrConfig, wcp)
	}
	return nil
}

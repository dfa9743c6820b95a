package registrar

import (
	"net/netip"

	gosip "github.com/emiago/sipgo/sip"
)

// permitted reports whether user's permit_ip list (SPEC P1) allows a
// request from source ("ip:port"). A user that is not an extension (a
// trunk account, or nobody) is not restricted here: the digest check that
// follows decides.
func permitted(st Store, user, source string) bool {
	if user == "" {
		return true
	}
	e, err := st.GetExtension(user)
	if err != nil || len(e.PermitIP) == 0 {
		return true
	}
	addr, err := netip.ParseAddr(hostOf(source))
	if err != nil {
		return false // a list is set and we cannot tell where the request came from
	}
	return e.Permits(addr)
}

// claimedUser is who a request says it is before any credentials: the To
// user of a REGISTER (the AOR), the From user otherwise.
func claimedUser(req *gosip.Request) string {
	h := req.From()
	if req.Method == gosip.REGISTER {
		if to := req.To(); to != nil {
			return to.Address.User
		}
		return ""
	}
	if h == nil {
		return ""
	}
	return h.Address.User
}

// forbiddenSource is the answer to a request from outside the permit list:
// a 403 before any challenge, so a wrong network cannot even try passwords.
func forbiddenSource() (string, int, []gosip.Header) {
	return "", 403, []gosip.Header{gosip.NewHeader("Warning", `399 hookswitch "source address not permitted"`)}
}

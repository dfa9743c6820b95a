// Command settings is the test guest of the settings layouts (feature bit
// settings): it reports the caller's language and what it reads about an
// extension, so the host's tests see both sides of the encoding.
package main

import (
	"strconv"
	"strings"

	hs "github.com/hookswitch/hookswitch/sdk/go"
)

func init() { hs.HandleRoute(route) }

func main() {}

func route(r *hs.RouteRequest) (hs.RouteDecision, error) {
	switch r.To {
	case "language":
		return hs.Reject(480, "language="+r.Language), nil
	case "all": // every extension, through config_extensions
		var parts []string
		for _, e := range hs.Extensions() {
			parts = append(parts, e.Number+":"+e.Tenant+":"+e.Language) // a reason holds 128 bytes
		}
		return hs.Reject(480, strings.Join(parts, "|")), nil
	}
	e, ok := hs.LookupExtension(r.To)
	if !ok {
		return hs.Reject(404, "no extension "+r.To), nil
	}
	return hs.Reject(480, describe(e)), nil
}

func describe(e hs.Extension) string {
	return e.Number + " tenant=" + e.Tenant + " codecs=" + strings.Join(e.Codecs, ",") + " dtmf=" + e.DTMFMode +
		" recording=" + e.Recording + " language=" + e.Language + " pickup=" + strconv.Itoa(int(e.PickupGroup)) +
		" cw=" + strconv.FormatBool(e.CallWaiting) + " vm=" + strconv.FormatBool(e.Voicemail)
}

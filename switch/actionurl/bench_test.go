package actionurl

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

func BenchmarkInvokeRoute(b *testing.B) {
	s := newServer(b, func(w http.ResponseWriter, _ *http.Request, _ int64) {
		io.WriteString(w, callAnswer)
	})
	e := build(b, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: s.URL, Secret: "bench"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		d, err := e.Invoke(ctx, caller)
		if err != nil {
			b.Fatal(err)
		}
		if d.(hook.RouteDecision).Targets[0] != "222" {
			b.Fatal("wrong decision")
		}
	}
}

func BenchmarkParseVerbDocument(b *testing.B) {
	body := []byte(`{"verbs":[{"verb":"answer"},{"verb":"play","file":"welcome.wav"},{"verb":"collect","max":1,"timeout":5,"action":"/menu"},{"verb":"bridge","targets":["1002"],"timeout":20,"action":"/after"},{"verb":"hangup","code":486}]}`)
	base := newDest(mustURL(b, "http://127.0.0.1/start")).u
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseDoc(body, base); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseMediaVerbs(b *testing.B) {
	body := []byte(`{"verbs":[{"verb":"play","tone":"ringback","duration":2},{"verb":"collect","max":4,"inter_digit":2,"flush":true,"prompt":["ivr/a","ivr/b"],"action":"/menu"},{"verb":"record","terminator":"#*","beep":true,"silence":3,"action":"/rec"},{"verb":"conference","room":"3000","admin":true,"max_members":10,"action":"/conf"},{"verb":"send_digits","digits":"12#"}]}`)
	base := newDest(mustURL(b, "http://127.0.0.1/start")).u
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseDoc(body, base); err != nil {
			b.Fatal(err)
		}
	}
}

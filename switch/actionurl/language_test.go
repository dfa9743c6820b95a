package actionurl

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// The calling extension's language (SPEC P1) reaches the web app: in a
// route request's JSON body and GET query, and in what a program's verb
// posts; a caller without one sends "".
func TestRouteLanguageSent(t *testing.T) {
	german := caller
	german.CallID, german.Language = "c-de", "de"
	s := jsonServer(t, callAnswer)
	e := routeEngine(t, s.URL)
	for _, req := range []hook.RouteRequest{german, caller} {
		if _, err := e.Invoke(budget(t, 5*time.Second), req); err != nil {
			t.Fatal(err)
		}
	}
	if f := s.request(t, 0).fields(t); f["language"] != "de" {
		t.Fatalf("route body language %#v, want \"de\": %v", f["language"], f)
	}
	if f := s.request(t, 1).fields(t); f["language"] != "" {
		t.Fatalf("route body language %#v, want \"\"", f["language"])
	}
	g := jsonServer(t, callAnswer)
	get := build(t, Factory{}, map[hook.Name]hook.HookConfig{hook.Route: {URL: g.URL, Method: "GET"}})
	if _, err := get.Invoke(budget(t, 5*time.Second), german); err != nil {
		t.Fatal(err)
	}
	if q, err := url.ParseQuery(g.request(t, 0).query); err != nil || q.Get("language") != "de" {
		t.Fatalf("GET query %v %v, want language=de", q, err)
	}

	app := appServer(t, map[string]string{
		"/start": `{"verbs":[{"verb":"collect","max":1,"timeout":5,"action":"/menu"}]}`,
		"/menu":  `{"verbs":[{"verb":"hangup"}]}`,
	})
	c := newFakeCall()
	c.info = german
	c.digits = []string{"1"}
	if err := startProgram(t, app, "/start").Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	posts := app.posted(t, "/menu")
	if len(posts) != 1 || posts[0]["language"] != "de" || posts[0]["verb"] != "collect" {
		t.Fatalf("collect posted %v, want one post with language \"de\"", posts)
	}
}

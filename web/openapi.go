package web

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 document of this API. It is written by
// hand (with the help of reflection once) and kept true by
// openapi_test.go: every route of Handler, the entity schemas' fields,
// the roles allowed and the shape of real answers are checked against it.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves the document to any authenticated principal: it tells
// what routes exist and which roles may call them, nothing stored.
func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(openAPIDoc)
}

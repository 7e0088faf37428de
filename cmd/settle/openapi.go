package main

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"
)

// openAPIDoc is the HTTP contract (API.md) as an OpenAPI 3.1 document. It is
// written by hand next to the routes it describes; openapi_test.go fails when
// the router and the document disagree, so change both together.
//
//go:embed openapi.json
var openAPIDoc []byte

var openAPIETag = func() string {
	sum := sha256.Sum256(openAPIDoc)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}()

// serveOpenAPI answers GET /openapi.json: public and cacheable (with an ETag,
// so a revalidation is a 304).
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", openAPIETag)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "openapi.json", time.Time{}, bytes.NewReader(openAPIDoc))
}

package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

func serve(t *testing.T, method, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := chi.NewRouter()
	Routes(r)
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

var assetRef = regexp.MustCompile(`(?:src|href)="(/[a-z]+/[^"]+)"`)

func TestPagesServeIndexForClientRoutes(t *testing.T) {
	for _, target := range []string{"/app/", "/app/purchases/ord_1", "/app/disputes/dsp_1?new=1", "/ops/", "/ops/outcomes", "/app/index.html"} {
		t.Run(target, func(t *testing.T) {
			rec := serve(t, http.MethodGet, target, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
				t.Errorf("Cache-Control = %q, want no-cache", got)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("Content-Security-Policy = %q", csp)
			}
			// Only the pages that replay cobrowse sessions allow inline
			// styles (rrweb's replayer needs them), and never inline scripts.
			inline := strings.Contains(csp, "unsafe-inline")
			replays := strings.HasPrefix(target, "/ops/") || strings.HasPrefix(target, "/agent/")
			if inline != replays || strings.Count(csp, "unsafe-inline") > 1 || (inline && !strings.Contains(csp, "style-src 'self' 'unsafe-inline';")) {
				t.Errorf("Content-Security-Policy = %q", csp)
			}
			body := rec.Body.String()
			if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).MatchString(body) || strings.Contains(body, "<style") || strings.Contains(body, " style=") {
				t.Errorf("index.html has inline script or style:\n%s", body)
			}
		})
	}
}

func TestIndexReferencesServedAssets(t *testing.T) {
	for _, page := range pages {
		body := serve(t, http.MethodGet, "/"+page+"/", nil).Body.String()
		refs := assetRef.FindAllStringSubmatch(body, -1)
		if len(refs) < 2 {
			t.Fatalf("%s: index.html references %d files, want a script and a stylesheet", page, len(refs))
		}
		for _, m := range refs {
			rec := serve(t, http.MethodGet, m[1], nil)
			if rec.Code != http.StatusOK {
				t.Errorf("%s: status %d", m[1], rec.Code)
				continue
			}
			if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("%s: Cache-Control = %q", m[1], got)
			}
			want := map[bool]string{true: "text/javascript; charset=utf-8", false: "text/css; charset=utf-8"}[strings.HasSuffix(m[1], ".js")]
			if got := rec.Header().Get("Content-Type"); got != want {
				t.Errorf("%s: Content-Type = %q, want %q", m[1], got, want)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: no nosniff", m[1])
			}
		}
	}
}

func TestMissingAssetIs404(t *testing.T) {
	for _, target := range []string{"/app/app-AAAAAAAA.js", "/ops/missing.css", "/app/purchases/x.png"} {
		if rec := serve(t, http.MethodGet, target, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: status = %d, want 404", target, rec.Code)
		}
	}
}

func TestPrefixWithoutSlashRedirects(t *testing.T) {
	rec := serve(t, http.MethodGet, "/ops", nil)
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/ops/" {
		t.Fatalf("status = %d, Location = %q; want 301 to /ops/", rec.Code, rec.Header().Get("Location"))
	}
}

func TestOnlyGetAndHead(t *testing.T) {
	if rec := serve(t, http.MethodPost, "/app/", nil); rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST status = %d, want 405", rec.Code)
	}
	rec := serve(t, http.MethodHead, "/app/", nil)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("HEAD status = %d, body %d bytes; want 200 and no body", rec.Code, rec.Body.Len())
	}
}

func TestGzipAndConditionalRequests(t *testing.T) {
	plain := serve(t, http.MethodGet, "/app/", nil)
	rec := serve(t, http.MethodGet, "/app/", map[string]string{"Accept-Encoding": "gzip, br"})
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q, want gzip", rec.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if string(got) != plain.Body.String() {
		t.Fatal("gzip body differs from the plain body")
	}
	if rec.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("gzip and identity answers share an ETag")
	}
	again := serve(t, http.MethodGet, "/app/", map[string]string{"If-None-Match": plain.Header().Get("ETag")})
	if again.Code != http.StatusNotModified {
		t.Fatalf("If-None-Match status = %d, want 304", again.Code)
	}
}

func TestOtherPathsAreNotServed(t *testing.T) {
	if rec := serve(t, http.MethodGet, "/application", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("/application status = %d, want 404", rec.Code)
	}
}

// The cobrowse SDK is served as it is, to any origin, with no page behind it.
func TestSDKFiles(t *testing.T) {
	for _, name := range []string{"settle-cobrowse.js", "settle-cobrowse.mjs", "settle-cobrowse.css"} {
		rec := serve(t, http.MethodGet, "/sdk/"+name, nil)
		if rec.Code != http.StatusOK || rec.Body.Len() < 1000 {
			t.Fatalf("%s: status %d, %d bytes", name, rec.Code, rec.Body.Len())
		}
		if rec.Header().Get("Access-Control-Allow-Origin") != "*" || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: headers %v", name, rec.Header())
		}
		if strings.Contains(rec.Header().Get("Content-Security-Policy"), "unsafe-inline") {
			t.Errorf("%s: CSP %q", name, rec.Header().Get("Content-Security-Policy"))
		}
	}
	if got := serve(t, http.MethodGet, "/sdk/missing.js", nil).Code; got != http.StatusNotFound {
		t.Errorf("a missing SDK file: status %d, want 404", got)
	}
	if got := serve(t, http.MethodGet, "/sdk/", nil).Code; got != http.StatusNotFound {
		t.Errorf("/sdk/: status %d, want 404", got)
	}
}

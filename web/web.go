package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

//go:embed all:dist
var dist embed.FS

// pages are the single-page apps under dist/, by URL prefix. A page's client
// routes (any path below the prefix without a file extension) get its
// index.html.
var pages = []string{"app", "ops", "agent"}

// csp is the Content-Security-Policy of every page: scripts and styles only
// from files served here (no inline script, no eval), API calls and
// WebSockets only to this origin, never framed by another site.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// replayCSP is csp for the pages that show cobrowse sessions through rrweb's
// replayer: the agent console (live) and the ops console (recordings). The
// replayer rebuilds the customer's page in a sandboxed about:blank iframe,
// which inherits this policy, and restores the page's stylesheets as <style>
// elements and its inline style attributes — inline styles, which csp
// forbids. Only style-src is relaxed: scripts stay 'self' (and the iframe's
// sandbox runs none at all), and what is styled has been through the
// server's gate, which drops CSS text it cannot vouch for.
const replayCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// pageCSP overrides csp for some pages.
var pageCSP = map[string]string{"agent": replayCSP, "ops": replayCSP}

// assets are directories of files served as they are, with no page behind
// them: the cobrowse SDK for integrators (dist/sdk), which other sites load,
// so it may be fetched from any origin.
var assets = []string{"sdk"}

// hashed matches the names esbuild gives built files ("app-RPEUMNX7.js"):
// their content never changes under the same name, so browsers may keep them.
var hashed = regexp.MustCompile(`-[A-Z0-9]{8}\.[a-z0-9]+$`)

// file is one embedded file, ready to serve.
type file struct {
	body  []byte
	gz    []byte // gzip-compressed body, when that is smaller
	ctype string
	etag  string
}

// Routes mounts every page: /app/ (the customer demo app), /ops/ (the ops
// console), and the cobrowse SDK's files under /sdk/. It is mounted outside the API's authentication: the pages are
// public files; their API calls carry the credentials.
func Routes(r chi.Router) {
	h := Handler()
	for _, p := range pages {
		r.Handle("/"+p, h)
		r.Handle("/"+p+"/*", h)
	}
	for _, a := range assets {
		r.Handle("/"+a+"/*", h)
	}
}

// Handler serves the embedded pages. It panics if the embedded build is
// broken (a page without its index.html), which `go test ./web` catches.
func Handler() http.Handler {
	files, err := load(dist)
	if err != nil {
		panic(err)
	}
	return &handler{files: files}
}

func load(fsys fs.FS) (map[string]*file, error) {
	files := map[string]*file{}
	err := fs.WalkDir(fsys, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &file{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: contentType(p)}
		if compressible(f.ctype) {
			f.gz = gzipped(body)
		}
		files[strings.TrimPrefix(p, "dist")] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: read the embedded build: %w", err)
	}
	for _, p := range pages {
		if files["/"+p+"/index.html"] == nil {
			return nil, fmt.Errorf("web: the embedded build has no %s/index.html: run `make web`", p)
		}
	}
	return files, nil
}

// contentType is fixed for the kinds of file a build writes, so the answer
// does not depend on the machine's mime.types.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".woff2":
		return "font/woff2"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/javascript") ||
		strings.HasPrefix(ctype, "text/javascript") || strings.HasPrefix(ctype, "image/svg")
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}

type handler struct {
	files map[string]*file
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if f, ok := h.asset(r.URL.Path); ok {
		if f == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
		h.write(w, r, f, csp)
		return
	}
	page, rest, ok := h.split(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if rest == "" { // "/app" → "/app/"
		http.Redirect(w, r, "/"+page+"/", http.StatusMovedPermanently)
		return
	}
	name := "/" + page + rest
	f := h.files[name]
	switch {
	case f != nil && !strings.HasSuffix(name, "/index.html"):
		if hashed.MatchString(name) {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
	case path.Ext(rest) != "" && !strings.HasSuffix(rest, "/index.html"):
		// A missing file, not a client route: answering with the page would
		// hand a browser HTML where it expects a script.
		http.NotFound(w, r)
		return
	default:
		f = h.files["/"+page+"/index.html"]
		w.Header().Set("Cache-Control", "no-cache")
	}
	policy := csp
	if p, ok := pageCSP[page]; ok {
		policy = p
	}
	h.write(w, r, f, policy)
}

// asset finds a file under one of the assets directories: ok says whether
// the path is under one, f is nil when no such file exists.
func (h *handler) asset(p string) (f *file, ok bool) {
	for _, a := range assets {
		if strings.HasPrefix(p, "/"+a+"/") {
			return h.files[p], true
		}
	}
	return nil, false
}

// split finds the page a path belongs to: "/app/purchases" → ("app",
// "/purchases"); "/app" → ("app", "").
func (h *handler) split(p string) (page, rest string, ok bool) {
	for _, name := range pages {
		switch {
		case p == "/"+name:
			return name, "", true
		case strings.HasPrefix(p, "/"+name+"/"):
			return name, p[len(name)+1:], true
		}
	}
	return "", "", false
}

func (h *handler) write(w http.ResponseWriter, r *http.Request, f *file, policy string) {
	hd := w.Header()
	hd.Set("Content-Type", f.ctype)
	hd.Set("Content-Security-Policy", policy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	body, etag := f.body, f.etag
	if f.gz != nil {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			hd.Set("Content-Encoding", "gzip")
			body, etag = f.gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
		}
	}
	hd.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304 and HEAD without a body.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}

package knowledge

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
)

// Handler serves knowledge search to staff and the policies to everyone.
type Handler struct {
	r *Retriever
}

// NewHandler returns the HTTP handler for r.
func NewHandler(r *Retriever) *Handler { return &Handler{r: r} }

// DefaultK is how many sections a search returns when k is not given.
const DefaultK = 5

// Routes mounts the endpoints. Callers must already have run
// httpx.Auth.Authenticate.
func (h *Handler) Routes(r chi.Router) {
	// Agents search the policies from the console (API.md).
	r.With(httpx.Require(httpx.KindStaff)).Get("/v1/knowledge/search", h.search)
	// The lender's public policies: what every citation links to.
	r.Get("/policies", h.policyIndex)
	r.Get("/policies/{doc}", h.policy)
}

type searchResponse struct {
	Query   string   `json:"query"`
	Market  string   `json:"market"`
	K       int      `json:"k"`
	Results []Result `json:"results"`
}

func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	k := DefaultK
	if s := q.Get("k"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			httpx.WriteError(w, r, errs.Field(errs.Invalid, "k", "k must be a whole number between 1 and 50"))
			return
		}
		k = n
	}
	res, err := h.r.Search(r.Context(), q.Get("q"), q.Get("market"), k)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, searchResponse{Query: q.Get("q"), Market: q.Get("market"), K: k, Results: res})
}

func (h *Handler) policy(w http.ResponseWriter, r *http.Request) {
	d, err := h.r.store.Document(r.Context(), chi.URLParam(r, "doc"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	page, err := renderPolicy(d)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	writeHTML(w, page)
}

func (h *Handler) policyIndex(w http.ResponseWriter, r *http.Request) {
	docs, err := h.r.store.Documents(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, "index", docs); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	writeHTML(w, buf.Bytes())
}

func writeHTML(w http.ResponseWriter, page []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	w.Write(page)
}

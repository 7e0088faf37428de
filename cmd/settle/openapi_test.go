package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/chatbot"
	"github.com/settlehq/settle/chatbot/nlu"
	"github.com/settlehq/settle/cobrowse"
	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/internal/httpx"
	"github.com/settlehq/settle/knowledge"
)

// fullRouter is the real router (routes.go) with every feature mounted —
// conversations, cobrowse and the demo endpoints — so that walking it lists
// every route Settle can serve. The services are inert: no database is
// contacted (the pool connects lazily and nothing here queries it), since
// only the routes and GET /openapi.json are exercised.
func fullRouter(t *testing.T) http.Handler {
	t.Helper()
	a, _, _ := testApp(map[string]string{"SETTLE_DEMO": "1", "SETTLE_AI_ENGINE": "local"})
	cfg, err := config.Load(a.getenv)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(context.Background(), "postgres://settle@127.0.0.1:1/unused?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	tokens, err := a.customerTokens(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a.router(cfg, services{
		pool: pool, tokens: tokens, disputes: disputes.NewService(pool, a.clock, a.ids),
		chat: &chatbot.Service{}, cobrowse: cobrowse.NewHandler(nil, nil, nil),
	}, slog.New(slog.DiscardHandler))
}

// isAPIRoute says whether a route belongs in the document: the /v1 API and
// the platform endpoints, not the pages (/app/, /ops/, /agent/, /policies).
func isAPIRoute(route string) bool {
	switch route {
	case "/healthz", "/readyz", "/metrics", "/openapi.json":
		return true
	}
	return strings.HasPrefix(route, "/v1/")
}

var chiParam = regexp.MustCompile(`\{([^}:]+):[^}]*\}`)

// routes lists the router's method+pattern pairs ("GET /v1/me"); patterns
// with a regexp ({id:[0-9]+}) are written as OpenAPI writes them ({id}).
func routes(t *testing.T, h http.Handler) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := chi.Walk(h.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out[method+" "+chiParam.ReplaceAllString(route, "{$1}")] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var pointerEscape = strings.NewReplacer("~", "~0", "/", "~1")

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

type openAPIOperation struct {
	path, method string
	op           map[string]any
	pathItem     map[string]any
}

func (o openAPIOperation) String() string { return strings.ToUpper(o.method) + " " + o.path }

func loadOpenAPI(t *testing.T) (map[string]any, []openAPIOperation) {
	t.Helper()
	if !json.Valid(openAPIDoc) {
		t.Fatal("openapi.json is not valid JSON")
	}
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	paths, _ := doc["paths"].(map[string]any)
	if len(paths) == 0 {
		t.Fatal("openapi.json has no paths")
	}
	var ops []openAPIOperation
	for path, item := range paths {
		pi, ok := item.(map[string]any)
		if !ok {
			t.Fatalf("path %s is not an object", path)
		}
		for _, m := range httpMethods {
			if op, ok := pi[m].(map[string]any); ok {
				ops = append(ops, openAPIOperation{path: path, method: m, op: op, pathItem: pi})
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].String() < ops[j].String() })
	return doc, ops
}

// The document is the contract "kept in step with the code": every API route
// the router serves is documented, and every documented operation is routed.
func TestOpenAPIMatchesRouter(t *testing.T) {
	_, ops := loadOpenAPI(t)
	routed := routes(t, fullRouter(t))
	documented := map[string]bool{}
	for _, o := range ops {
		documented[o.String()] = true
	}
	var missing, extra []string
	for r := range routed {
		if _, route, _ := strings.Cut(r, " "); isAPIRoute(route) && !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !routed[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, r := range missing {
		t.Errorf("routed but not in openapi.json: %s", r)
	}
	for _, d := range extra {
		t.Errorf("in openapi.json but not routed: %s", d)
	}
	if len(missing)+len(extra) > 0 {
		t.Log("routes.go and the feature packages' Routes are the truth: document new routes in cmd/settle/openapi.json, remove removed ones")
	}
}

// The document is well-formed OpenAPI 3.1 as far as tools depend on it: every
// operation has a unique operationId and responses, path parameters are
// declared, security schemes exist, and every $ref resolves.
func TestOpenAPIDocumentIsWellFormed(t *testing.T) {
	doc, ops := loadOpenAPI(t)
	if v, _ := doc["openapi"].(string); !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(v) {
		t.Errorf("openapi is %q, want 3.1.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if s, _ := info["title"].(string); s == "" {
		t.Error("info.title is missing")
	}
	if s, _ := info["version"].(string); s == "" {
		t.Error("info.version is missing")
	}
	components, _ := doc["components"].(map[string]any)
	schemes, _ := components["securitySchemes"].(map[string]any)

	ids := map[string]string{}
	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	for _, o := range ops {
		id, _ := o.op["operationId"].(string)
		switch {
		case id == "":
			t.Errorf("%s has no operationId", o)
		case ids[id] != "":
			t.Errorf("%s and %s share the operationId %q", ids[id], o, id)
		default:
			ids[id] = o.String()
		}
		responses, _ := o.op["responses"].(map[string]any)
		if len(responses) == 0 {
			t.Errorf("%s has no responses", o)
		}
		for code := range responses {
			if n, err := strconv.Atoi(code); code != "default" && (err != nil || n < 100 || n > 599) {
				t.Errorf("%s: response %q is not a status code", o, code)
			}
		}
		declared := map[string]bool{}
		for _, ps := range [][]any{asSlice(o.pathItem["parameters"]), asSlice(o.op["parameters"])} {
			for _, p := range ps {
				pm, _ := resolve(doc, p).(map[string]any)
				if pm["in"] == "path" {
					declared[fmt.Sprint(pm["name"])] = true
					if pm["required"] != true {
						t.Errorf("%s: path parameter %v must be required", o, pm["name"])
					}
				}
			}
		}
		for _, m := range pathParam.FindAllStringSubmatch(o.path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} is not declared", o, m[1])
			}
			delete(declared, m[1])
		}
		for name := range declared {
			t.Errorf("%s: declares path parameter %s that is not in the path", o, name)
		}
		sec, ok := o.op["security"].([]any)
		if !ok {
			t.Errorf("%s does not say who may call it (security; [] for public)", o)
		}
		for _, req := range sec {
			for name := range req.(map[string]any) {
				if schemes[name] == nil {
					t.Errorf("%s: security scheme %q is not defined", o, name)
				}
			}
		}
	}

	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if !strings.HasPrefix(ref, "#/") {
					t.Errorf("%s: $ref %q is not local", at, ref)
				} else if _, ok := pointer(doc, ref); !ok {
					t.Errorf("%s: $ref %q does not resolve", at, ref)
				}
			}
			for k, x := range v {
				walk(at+"/"+pointerEscape.Replace(k), x)
			}
		case []any:
			for i, x := range v {
				walk(at+"/"+strconv.Itoa(i), x)
			}
		}
	}
	walk("#", doc)
}

// The schemas carry the real field names: each named schema has exactly the
// JSON members of the Go type it describes (as encoding/json writes them).
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc, _ := loadOpenAPI(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name, c := range map[string]struct {
		typ           any
		added, hidden []string // members a MarshalJSON adds, members the handler clears
	}{
		"Error": {typ: httpx.ErrorBody{}}, "ErrorDetail": {typ: httpx.ErrorDetail{}}, "Staff": {typ: httpx.Staff{}},
		"Order": {typ: disputes.Order{}}, "OrderItem": {typ: disputes.Item{}}, "PaymentPlan": {typ: disputes.PaymentPlan{}},
		"Installment": {typ: disputes.Installment{}, added: []string{"amount_due"}}, "OrderEvent": {typ: disputes.Event{}},
		"Customer": {typ: disputes.Customer{}}, "Dispute": {typ: disputes.View{}}, "TimelineRow": {typ: disputes.TimelineRow{}},
		"Case": {typ: disputes.CaseView{}}, "Handoff": {typ: disputes.Handoff{}},
		"QueueItem": {typ: disputes.QueueItem{}, hidden: []string{"packet"}},
		"Outcome":   {typ: disputes.OutcomeRow{}}, "OpsMetrics": {typ: disputes.Metrics{}}, "MerchantRate": {typ: disputes.MerchantRate{}},
		"DailyRates": {typ: disputes.DailyRates{}}, "RuleOverturns": {typ: disputes.RuleOverturns{}},
		"ResolutionTimes": {typ: disputes.ResolutionTimes{}}, "ResolutionBucket": {typ: disputes.ResolutionBucket{}},
		"ReasonResolution": {typ: disputes.ReasonResolution{}}, "OverallDisputeRate": {typ: disputes.OverallDisputeRate{}}, "RuleStatus": {typ: disputes.RuleStatus{}}, "AuditLog": {typ: disputes.AuditLog{}},
		"AuditEvent": {typ: disputes.AuditEvent{}}, "OrderInput": {typ: disputes.OrderInput{}}, "OrderItemInput": {typ: disputes.ItemInput{}},
		"OrderEventInput": {typ: disputes.EventInput{}}, "MerchantResponseInput": {typ: disputes.MerchantResponse{}},
		"EvidenceInput": {typ: disputes.EvidenceInput{}}, "Attachment": {typ: disputes.Attachment{}},
		"AgentDecisionInput": {typ: disputes.AgentDecision{}}, "ReviewInput": {typ: disputes.ReviewInput{}},
		"Conversation": {typ: chatbot.Conversation{}}, "ConversationState": {typ: chatbot.State{}}, "Message": {typ: chatbot.Message{}},
		"Citation": {typ: chatbot.Citation{}}, "QuickReply": {typ: chatbot.QuickReply{}}, "Reply": {typ: chatbot.Reply{}},
		"TurnResult": {typ: chatbot.TurnResult{}}, "DisputeSummary": {typ: chatbot.DisputeSummary{}}, "HandoffSummary": {typ: chatbot.HandoffSummary{}},
		"CobrowseSession": {typ: cobrowse.Session{}}, "CobrowseCode": {typ: cobrowse.Code{}}, "WsTicket": {typ: cobrowse.Ticket{}},
		"Recording": {typ: cobrowse.Recording{}}, "RecordingSummary": {typ: cobrowse.RecordingSummary{}}, "CobrowsePolicy": {typ: cobrowse.Policy{}},
		"CobrowseSessionInput": {typ: cobrowse.CreateInput{}}, "ConsentInput": {typ: cobrowse.ConsentInput{}},
		"SearchResult": {typ: knowledge.Result{}}, "TriageResult": {typ: nlu.Result{}}, "TriageSlots": {typ: nlu.Slots{}},
		"Money": {typ: nlu.Money{}}, "ScoredReason": {typ: nlu.Scored{}},
	} {
		s, ok := schemas[name].(map[string]any)
		if !ok {
			t.Errorf("schema %s is missing", name)
			continue
		}
		var documented []string
		for p := range s["properties"].(map[string]any) {
			documented = append(documented, p)
		}
		want := slices.DeleteFunc(append(jsonMembers(reflect.TypeOf(c.typ)), c.added...), func(m string) bool { return slices.Contains(c.hidden, m) })
		sort.Strings(documented)
		sort.Strings(want)
		if !slices.Equal(documented, want) {
			t.Errorf("schema %s has members %v; %T has %v", name, documented, c.typ, want)
		}
	}
}

// jsonMembers lists the members encoding/json writes for a struct type,
// following embedded structs.
func jsonMembers(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			for _, m := range jsonMembers(f.Type) {
				if !slices.Contains(out, m) {
					out = append(out, m)
				}
			}
		case !f.IsExported():
		case name == "":
			out = append(out, f.Name)
		default:
			out = append(out, name)
		}
	}
	return out
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// resolve follows a {"$ref": "#/..."} to what it names.
func resolve(doc map[string]any, v any) any {
	if m, ok := v.(map[string]any); ok {
		if ref, ok := m["$ref"].(string); ok {
			if target, ok := pointer(doc, ref); ok {
				return target
			}
		}
	}
	return v
}

// pointer evaluates a local JSON pointer ("#/components/schemas/Order").
func pointer(doc map[string]any, ref string) (any, bool) {
	var cur any = doc
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// GET /openapi.json serves the embedded document, publicly and cacheably.
func TestOpenAPIServed(t *testing.T) {
	srv := httptest.NewServer(fullRouter(t))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /openapi.json: %s %s", res.Status, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age=") {
		t.Errorf("Cache-Control %q: want public and cacheable", cc)
	}
	if string(body) != string(openAPIDoc) {
		t.Fatal("the body is not the embedded document")
	}
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1.") || doc.Paths["/v1/disputes"] == nil {
		t.Fatalf("not the OpenAPI document: %v %q", err, doc.OpenAPI)
	}

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/openapi.json", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidating with the ETag: %s, want 304", res.Status)
	}
}

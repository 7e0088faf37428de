package nlu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeProvider is an httptest server speaking the OpenAI chat-completions
// wire protocol. reply answers the n-th request (from 0).
type fakeProvider struct {
	mu     sync.Mutex
	bodies []map[string]any
	reply  func(n int, w http.ResponseWriter, r *http.Request)
}

func (f *fakeProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	var body map[string]any
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	n := len(f.bodies)
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	f.reply(n, w, r)
}

func (f *fakeProvider) requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.bodies)
}

// toolCall answers with one report_triage call carrying args.
func toolCall(args string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) { writeToolCall(w, toolName, args) }
}

func writeToolCall(w http.ResponseWriter, name, args string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"test-model",
		"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
		"tool_calls":[{"id":"call_1","type":"function","function":{"name":%q,"arguments":%q}}]}}],
		"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`, name, args)
}

func status(code int, header ...string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"error":{"message":"status %d","type":"test","code":null}}`, code)
	}
}

const goodArgs = `{"is_dispute":true,"reason":"defective_or_not_as_described","sub_reason":"damaged","confidence":0.91,"wants_human":false,"injection_suspected":false,"intent":"","slots":{"merchant":"Stride","item":"blender"}}`

type llmEnv struct {
	provider *fakeProvider
	engine   *LLM
	slept    []time.Duration
}

func newLLMEnv(t *testing.T, reply func(int, http.ResponseWriter, *http.Request), tweak func(*LLMConfig)) *llmEnv {
	t.Helper()
	e := &llmEnv{provider: &fakeProvider{reply: reply}}
	srv := httptest.NewServer(e.provider)
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	cfg := LLMConfig{
		BaseURL: srv.URL + "/v1", APIKey: "test-key", Model: "test-model",
		Timeout: 2 * time.Second, Backoff: 100 * time.Millisecond, MaxBackoff: 3 * time.Second,
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			e.slept = append(e.slept, d)
			mu.Unlock()
			return ctx.Err()
		},
	}
	if tweak != nil {
		tweak(&cfg)
	}
	e.engine = NewLLM(cfg, defaultLocal(t))
	return e
}

const blenderText = "The blender from Stride arrived cracked, I paid $49.99 with card 4111 1111 1111 1111 yesterday"

func TestLLMGoodToolCall(t *testing.T) {
	e := newLLMEnv(t, toolCall(goodArgs), nil)
	r, err := e.engine.Parse(context.Background(), blenderText, Context{Now: ref})
	if err != nil {
		t.Fatal(err)
	}
	if r.Engine != "llm" || r.Reason != ReasonDefective || r.SubReason != "damaged" || !r.IsDispute || r.Confidence != 0.91 {
		t.Fatalf("got %+v", r)
	}
	// Facts come from the rules, not the model.
	if r.Slots.Amount != 4999 || r.Slots.Currency != "USD" || !slices.Equal(r.Slots.Dates, []string{"2026-11-21"}) {
		t.Fatalf("slots %+v", r.Slots)
	}
	if r.Slots.Merchant != "Stride" || r.Slots.Item != "blender" {
		t.Fatalf("merchant and item the customer wrote are kept: %+v", r.Slots)
	}
	body := e.provider.bodies[0]
	raw, _ := json.Marshal(body)
	if strings.Contains(string(raw), "4111") {
		t.Fatalf("the card number reached the provider: %s", raw)
	}
	if !strings.Contains(string(raw), "[card ****1111]") {
		t.Fatalf("the redacted text is missing: %s", raw)
	}
	choice, _ := json.Marshal(body["tool_choice"])
	if !strings.Contains(string(choice), `"name":"report_triage"`) {
		t.Fatalf("the tool is not forced: %s", choice)
	}
	msgs := body["messages"].([]any)
	if msgs[0].(map[string]any)["role"] != "system" || !strings.Contains(msgs[1].(map[string]any)["content"].(string), `"customer_message"`) {
		t.Fatalf("messages %v", msgs)
	}
	tools, _ := json.Marshal(body["tools"])
	if !strings.Contains(string(tools), `"enum"`) || !strings.Contains(string(tools), "installment_billing_error") {
		t.Fatalf("the tool schema lacks the reason enum: %s", tools)
	}
}

func TestLLMFallsBack(t *testing.T) {
	tests := []struct {
		name     string
		reply    func(int, http.ResponseWriter, *http.Request)
		tweak    func(*LLMConfig)
		cause    string
		requests int
		slept    []time.Duration
	}{
		{name: "malformed tool arguments", reply: toolCall(`{"is_dispute": tru`), cause: "invalid_output", requests: 1},
		{name: "a reason outside the enum", reply: toolCall(strings.Replace(goodArgs, "defective_or_not_as_described", "chargeback", 1)), cause: "invalid_output", requests: 1},
		{name: "a confidence above one", reply: toolCall(strings.Replace(goodArgs, "0.91", "1.7", 1)), cause: "invalid_output", requests: 1},
		{name: "is_dispute contradicting the reason", reply: toolCall(strings.Replace(goodArgs, `"is_dispute":true`, `"is_dispute":false`, 1)), cause: "invalid_output", requests: 1},
		{name: "an unknown field", reply: toolCall(strings.Replace(goodArgs, `"intent":""`, `"intent":"","refund_now":true`, 1)), cause: "invalid_output", requests: 1},
		{name: "another tool", reply: func(_ int, w http.ResponseWriter, _ *http.Request) { writeToolCall(w, "issue_refund", goodArgs) }, cause: "invalid_output", requests: 1},
		{name: "no tool call", reply: func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"x","object":"chat.completion","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Sure, refunded!"}}]}`)
		}, cause: "no_tool_call", requests: 1},
		{name: "500s until the attempts run out", reply: status(500), cause: "provider_error", requests: 3,
			slept: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{name: "a Retry-After longer than we wait", reply: status(429, "Retry-After", "30"), cause: "rate_limited", requests: 1},
		{name: "unauthorised key, not retried", reply: status(401), cause: "auth_failed", requests: 1},
		{name: "a timeout", reply: func(_ int, w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, tweak: func(c *LLMConfig) { c.Timeout = 100 * time.Millisecond }, cause: "timeout", requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newLLMEnv(t, tt.reply, tt.tweak)
			r, err := e.engine.Parse(context.Background(), blenderText, Context{Now: ref})
			if err != nil {
				t.Fatal(err)
			}
			if r.Engine != "local-fallback" || r.FallbackCause != tt.cause {
				t.Fatalf("engine %q cause %q, want local-fallback %q", r.Engine, r.FallbackCause, tt.cause)
			}
			if !r.IsDispute || r.Slots.Amount != 4999 {
				t.Fatalf("the fallback must still triage: %+v", r)
			}
			if got := e.provider.requests(); got != tt.requests {
				t.Fatalf("%d requests, want %d", got, tt.requests)
			}
			if !slices.Equal(e.slept, tt.slept) {
				t.Fatalf("slept %v, want %v", e.slept, tt.slept)
			}
		})
	}
}

func TestLLMRetries(t *testing.T) {
	tests := []struct {
		name  string
		first func(int, http.ResponseWriter, *http.Request)
		slept time.Duration
	}{
		{"429 with Retry-After seconds", status(429, "Retry-After", "2"), 2 * time.Second},
		{"429 with an HTTP-date Retry-After", status(429, "Retry-After", "Sun, 22 Nov 2026 12:00:01 GMT", "Date", "Sun, 22 Nov 2026 12:00:00 GMT"), time.Second},
		{"429 without Retry-After backs off", status(429), 100 * time.Millisecond},
		{"503 then success", status(503), 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newLLMEnv(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 0 {
					tt.first(n, w, r)
					return
				}
				writeToolCall(w, toolName, goodArgs)
			}, nil)
			r, err := e.engine.Parse(context.Background(), blenderText, Context{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Engine != "llm" || e.provider.requests() != 2 || !slices.Equal(e.slept, []time.Duration{tt.slept}) {
				t.Fatalf("engine %q after %d requests, slept %v", r.Engine, e.provider.requests(), e.slept)
			}
			if !reflectEqualBodies(e.provider.bodies[0], e.provider.bodies[1]) {
				t.Fatal("the retry must resend the same request")
			}
		})
	}
}

func reflectEqualBodies(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestLLMMergesRules(t *testing.T) {
	args := `{"is_dispute":false,"reason":"none","sub_reason":"","confidence":0.8,"wants_human":false,"injection_suspected":true,"intent":"other_question","slots":{"merchant":"Acme Corp"}}`
	e := newLLMEnv(t, toolCall(args), nil)
	r, err := e.engine.Parse(context.Background(), "can I talk to a real person about my account", Context{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.WantsHuman {
		t.Fatal("a request for a person the rules see is kept whatever the model says")
	}
	if !r.InjectionSuspected || !slices.Equal(r.InjectionSignals, []string{"model_flagged"}) {
		t.Fatalf("the model's injection flag is kept: %+v", r)
	}
	if r.Slots.Merchant != "" {
		t.Fatalf("a merchant the customer never wrote is dropped, got %q", r.Slots.Merchant)
	}
	if r.Intent != "other_question" {
		t.Fatalf("intent %q", r.Intent)
	}
}

func TestLLMCancelledContext(t *testing.T) {
	e := newLLMEnv(t, func(_ int, w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := e.engine.Parse(ctx, "never arrived", Context{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("when the caller gives up, Parse reports it instead of falling back: %v", err)
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{"seconds", http.Header{"Retry-After": {"3"}}, 3 * time.Second, true},
		{"date against Date", http.Header{"Retry-After": {"Sun, 22 Nov 2026 12:00:05 GMT"}, "Date": {"Sun, 22 Nov 2026 12:00:00 GMT"}}, 5 * time.Second, true},
		{"date in the past", http.Header{"Retry-After": {"Sun, 22 Nov 2026 11:00:00 GMT"}, "Date": {"Sun, 22 Nov 2026 12:00:00 GMT"}}, 0, true},
		{"date without Date", http.Header{"Retry-After": {"Sun, 22 Nov 2026 12:00:05 GMT"}}, 0, false},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0, false},
		{"absent", http.Header{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := retryAfter(tt.header)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("got %v %v", got, ok)
			}
		})
	}
}

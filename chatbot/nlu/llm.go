package nlu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// LLMConfig configures the LLM engine. Any OpenAI-compatible endpoint works
// (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp) through BaseURL.
type LLMConfig struct {
	BaseURL string // "" for OpenAI itself
	APIKey  string
	Model   string
	// Timeout bounds one Parse, retries included; past it the local engine
	// answers. Default 8s.
	Timeout time.Duration
	// Attempts is how many times a 429 or 5xx is tried in all. Default 3.
	Attempts int
	// Backoff is the first retry's wait, doubling after; MaxBackoff caps it
	// and is the longest Retry-After honoured. Defaults 500ms and 4s.
	Backoff, MaxBackoff time.Duration
	HTTPClient          *http.Client // default: a plain client
	// Sleep waits between retries; tests replace it. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	Log   *slog.Logger // fallbacks are logged here; default: discarded
}

// LLM is the model-backed engine. It classifies with the model, extracts
// slots with the local rules (a model is never trusted for amounts or
// dates), and falls back to the local engine whenever the model cannot
// answer or answers out of bounds: the conversation never breaks.
type LLM struct {
	client   *openai.Client
	cfg      LLMConfig
	fallback *Local
}

// NewLLM returns an LLM engine that falls back to fallback.
func NewLLM(cfg LLMConfig, fallback *Local) *LLM {
	cfg = cfg.withDefaults()
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	oc.HTTPClient = &retryDoer{next: cfg.HTTPClient, attempts: cfg.Attempts, base: cfg.Backoff, max: cfg.MaxBackoff, sleep: cfg.Sleep}
	return &LLM{client: openai.NewClientWithConfig(oc), cfg: cfg, fallback: fallback}
}

func (c LLMConfig) withDefaults() LLMConfig {
	if c.Timeout <= 0 {
		c.Timeout = 8 * time.Second
	}
	if c.Attempts <= 0 {
		c.Attempts = 3
	}
	if c.Backoff <= 0 {
		c.Backoff = 500 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 4 * time.Second
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	if c.Sleep == nil {
		c.Sleep = sleepCtx
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}

// Parse asks the model; on any failure of the model it returns the local
// engine's answer marked Engine "local-fallback". It returns an error only
// when ctx itself is done.
func (e *LLM) Parse(ctx context.Context, text string, c Context) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	r, err := e.ask(ctx, text, c)
	if err == nil {
		return r, nil
	}
	if ctx.Err() != nil {
		return Result{}, ctx.Err() // the caller gave up: nobody is waiting for a fallback
	}
	cause := fallbackCause(err)
	e.cfg.Log.Warn("llm triage failed; the local engine answered", slog.String("cause", cause), slog.String("error", err.Error()))
	r, lerr := e.fallback.Parse(ctx, text, c)
	r.Engine, r.FallbackCause = "local-fallback", cause
	return r, lerr
}

// ask calls the model once (with the retry policy under it) and validates
// its answer.
func (e *LLM) ask(ctx context.Context, text string, c Context) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	resp, err := e.client.CreateChatCompletion(ctx, e.request(Redact(text), c))
	if err != nil {
		return Result{}, err
	}
	if len(resp.Choices) == 0 || len(resp.Choices[0].Message.ToolCalls) == 0 {
		return Result{}, errNoToolCall
	}
	call := resp.Choices[0].Message.ToolCalls[0]
	if call.Function.Name != toolName {
		return Result{}, fmt.Errorf("%w: the model called %q", errInvalidOutput, call.Function.Name)
	}
	args, err := parseToolArgs(call.Function.Arguments)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %v", errInvalidOutput, err)
	}
	return e.result(text, c, args), nil
}

var (
	errNoToolCall    = errors.New("the model did not call " + toolName)
	errInvalidOutput = errors.New("invalid tool arguments")
)

func (e *LLM) request(redacted string, c Context) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{
		Model: e.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: systemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: userTurn(redacted, c)},
		},
		Tools: []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name:        toolName,
			Description: "Report how the customer's message is triaged.",
			Parameters:  toolSchema(),
		}}},
		ToolChoice: openai.ToolChoice{Type: openai.ToolTypeFunction, Function: openai.ToolFunction{Name: toolName}},
	}
}

// result merges the model's classification with the local rules: slots come
// from the rules (a merchant or item the model names is kept only if the
// customer wrote it), and a request for a person or an injection attempt
// that either side saw is kept.
func (e *LLM) result(text string, c Context, a toolArgs) Result {
	r := Result{
		IsDispute: a.Reason != ReasonNone, Reason: a.Reason, SubReason: a.SubReason,
		Confidence: round3(*a.Confidence), Intent: a.Intent, Engine: "llm",
		Slots: extractSlots(text, c),
	}
	if r.IsDispute {
		r.Intent = ""
	}
	lower := strings.ToLower(text)
	if r.Slots.Merchant == "" && a.Slots.Merchant != "" && strings.Contains(lower, strings.ToLower(a.Slots.Merchant)) {
		r.Slots.Merchant = a.Slots.Merchant
	}
	if r.Slots.Item == "" && a.Slots.Item != "" && strings.Contains(lower, strings.ToLower(a.Slots.Item)) {
		r.Slots.Item = a.Slots.Item
	}
	r.WantsHuman = a.WantsHuman || wantsHuman(tokenize(text))
	r.InjectionSignals = detectInjection(text)
	if a.InjectionSuspected && len(r.InjectionSignals) == 0 {
		r.InjectionSignals = []string{"model_flagged"}
	}
	r.InjectionSuspected = len(r.InjectionSignals) > 0
	return r
}

// fallbackCause names why the model did not answer, for ops.
func fallbackCause(err error) string {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, errNoToolCall):
		return "no_tool_call"
	case errors.Is(err, errInvalidOutput):
		return "invalid_output"
	case errors.As(err, &apiErr):
		return statusCause(apiErr.HTTPStatusCode)
	case errors.As(err, &reqErr):
		return statusCause(reqErr.HTTPStatusCode)
	default:
		return "unreachable"
	}
}

func statusCause(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return "rate_limited"
	case status >= 500:
		return "provider_error"
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return "auth_failed"
	default:
		return fmt.Sprintf("http_%d", status)
	}
}

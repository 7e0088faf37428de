package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/settlehq/settle/chatbot/nlu"
	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/internal/errs"
)

// maxTriageRunes bounds one message, as API.md does for the triage endpoint.
const maxTriageRunes = 4000

// triage is `settle triage`: JSON lines in, one JSON line out per input line,
// in order. With the local engine it touches no database and no network.
func (a *app) triage(ctx context.Context, args []string) error {
	fs := a.flags("triage", "triage [--engine local|llm] [--in FILE]",
		`Reads JSON lines {"text": "...", "orders": [...]} ("orders" optional: the
customer's orders, {"id","merchant_ref","merchant","items","amount","currency",
"captured_at"}, to match slots against) and writes, per non-blank input line
and in order, one JSON line with the triage: {"line", "is_dispute", "reason",
"sub_reason", "confidence", "slots", "wants_human", "injection_suspected",
"intent", "engine", ...}. A line that cannot be triaged yields {"line",
"error"} and the rest carry on. Relative dates resolve against now.

The local engine (the default) needs no database and no network. --engine llm
uses OPENAI_API_KEY, OPENAI_BASE_URL and SETTLE_CHAT_MODEL, falling back to the
local engine when the model fails.`)
	engineName := fs.String("engine", "local", "local or llm")
	in := fs.String("in", "-", "the input file; - for standard input")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	engine, err := a.cliEngine(*engineName)
	if err != nil {
		return err
	}
	r := io.Reader(os.Stdin)
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	return a.triageLines(ctx, engine, r, a.stdout)
}

// cliEngine builds the engine `settle triage` and `settle eval nlu` use. Only
// the llm engine reads the config, and neither opens the database.
func (a *app) cliEngine(name string) (nlu.Engine, error) {
	switch name {
	case "local":
		return nlu.DefaultLocal()
	case "llm":
		cfg, err := config.Load(a.getenv)
		if err != nil {
			return nil, err
		}
		if cfg.OpenAIAPIKey == "" && cfg.OpenAIBaseURL == "" {
			return nil, errors.New("--engine llm needs OPENAI_API_KEY or OPENAI_BASE_URL")
		}
		return a.llmEngine(cfg, slog.New(slog.NewTextHandler(a.stderr, nil)))
	default:
		return nil, fmt.Errorf("--engine must be local or llm, not %q", name)
	}
}

// nluEngine is the engine the server uses: the configured one (SETTLE_AI_ENGINE).
func (a *app) nluEngine(cfg config.Config, log *slog.Logger) (nlu.Engine, error) {
	if cfg.AIEngine == "llm" {
		return a.llmEngine(cfg, log)
	}
	return nlu.DefaultLocal()
}

func (a *app) llmEngine(cfg config.Config, log *slog.Logger) (nlu.Engine, error) {
	local, err := nlu.DefaultLocal()
	if err != nil {
		return nil, err
	}
	return nlu.NewLLM(nlu.LLMConfig{
		BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIAPIKey.Reveal(), Model: cfg.ChatModel, Log: log,
	}, local), nil
}

// triageInput is one input line.
type triageInput struct {
	Text   string      `json:"text"`
	Orders []nlu.Order `json:"orders"`
}

// triageOutput is one output line: the result, or the error.
type triageOutput struct {
	Line int `json:"line"`
	*nlu.Result
	Error string `json:"error,omitempty"`
}

// maxTriageLine bounds an input line; 4000 characters of text fit many times.
const maxTriageLine = 256 << 10

func (a *app) triageLines(ctx context.Context, engine nlu.Engine, r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, maxTriageLine)
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(line)) == 0 && !tooLong {
			continue
		}
		out := triageOutput{Line: n}
		if tooLong {
			out.Error = fmt.Sprintf("line is longer than %d bytes", maxTriageLine)
		} else if res, err := a.triageOne(ctx, engine, line); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			out.Error = err.Error()
			if e, ok := errs.As(err); ok {
				out.Error = e.Message
			}
		} else {
			out.Result = &res
		}
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
}

// readLine reads one line without its newline; a line longer than the
// buffer is consumed and reported as too long.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	line, err = br.ReadSlice('\n')
	for errors.Is(err, bufio.ErrBufferFull) {
		tooLong = true
		_, err = br.ReadSlice('\n')
	}
	if err == io.EOF && (len(line) > 0 || tooLong) {
		err = nil
	}
	return bytes.TrimRight(line, "\r\n"), tooLong, err
}

func (a *app) triageOne(ctx context.Context, engine nlu.Engine, line []byte) (nlu.Result, error) {
	if !utf8.Valid(line) {
		return nlu.Result{}, errors.New("the line is not valid UTF-8")
	}
	var in triageInput
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nlu.Result{}, fmt.Errorf("the line is not a JSON object {\"text\": ...}: %v", err)
	}
	if err := validTriageText(in.Text); err != nil {
		return nlu.Result{}, err
	}
	return engine.Parse(ctx, in.Text, nlu.Context{Now: a.clock.Now(), Orders: in.Orders})
}

// validTriageText checks a message for the CLI and the endpoint alike.
func validTriageText(text string) error {
	switch n := utf8.RuneCountInString(text); {
	case strings.TrimSpace(text) == "":
		return errs.Invalidf("text", "text is required and must not be blank")
	case n > maxTriageRunes:
		return errs.Invalidf("text", "text is %d characters; the limit is %d", n, maxTriageRunes)
	case !utf8.ValidString(text):
		return errs.Invalidf("text", "text is not valid UTF-8")
	}
	return nil
}

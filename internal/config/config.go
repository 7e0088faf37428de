package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Secret is a string that formats as a mask.
type Secret string

func (s Secret) String() string {
	if s == "" {
		return "(unset)"
	}
	return "****"
}

// LogValue keeps secrets out of structured logs too.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Reveal returns the secret's value for the one place that needs it.
func (s Secret) Reveal() string { return string(s) }

// Config is every setting Settle reads.
type Config struct {
	DatabaseURL     Secret        // DATABASE_URL (its password is a secret)
	Addr            string        // SETTLE_ADDR
	Demo            bool          // SETTLE_DEMO: demo endpoints and seed accounts
	LogLevel        slog.Level    // SETTLE_LOG_LEVEL: debug|info|warn|error
	MaxBodyBytes    int64         // SETTLE_MAX_BODY_BYTES: request body limit
	ShutdownTimeout time.Duration // SETTLE_SHUTDOWN_TIMEOUT: in-flight requests' grace
	StaffSessionTTL time.Duration // SETTLE_STAFF_SESSION_TTL
	CookieSecure    bool          // SETTLE_COOKIE_SECURE: mark cookies Secure (behind TLS)

	CustomerJWTSecret    Secret // SETTLE_CUSTOMER_JWT_SECRET: HS256 key shared with the host app
	CustomerJWTPublicKey string // SETTLE_CUSTOMER_JWT_PUBLIC_KEY: RS256 public key, PEM

	AIEngine       string // SETTLE_AI_ENGINE: local|llm (default llm when a key is set)
	OpenAIAPIKey   Secret // OPENAI_API_KEY
	OpenAIBaseURL  string // OPENAI_BASE_URL: any OpenAI-compatible endpoint
	ChatModel      string // SETTLE_CHAT_MODEL
	EmbeddingModel string // SETTLE_EMBEDDING_MODEL
	EmbeddingDims  int    // SETTLE_EMBEDDING_DIMS: 0 = the model's default

	CobrowseIdleTimeout time.Duration // SETTLE_COBROWSE_IDLE_TIMEOUT: an active session without customer events ends
	CobrowseRetention   time.Duration // SETTLE_COBROWSE_RETENTION: recordings kept after a session ends ("90d")
}

// DefaultDatabaseURL is the local development database `make db` creates.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/settle?sslmode=disable"

// Load parses the environment through getenv. It returns every problem at once,
// each naming its variable.
func Load(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		DatabaseURL:          Secret(p.str("DATABASE_URL", DefaultDatabaseURL)),
		Addr:                 p.str("SETTLE_ADDR", "127.0.0.1:8080"),
		Demo:                 p.boolean("SETTLE_DEMO", false),
		LogLevel:             p.level("SETTLE_LOG_LEVEL", slog.LevelInfo),
		MaxBodyBytes:         p.int64("SETTLE_MAX_BODY_BYTES", 1<<20, 1024, 64<<20),
		ShutdownTimeout:      p.duration("SETTLE_SHUTDOWN_TIMEOUT", 20*time.Second),
		StaffSessionTTL:      p.duration("SETTLE_STAFF_SESSION_TTL", 12*time.Hour),
		CookieSecure:         p.boolean("SETTLE_COOKIE_SECURE", false),
		CustomerJWTSecret:    Secret(p.str("SETTLE_CUSTOMER_JWT_SECRET", "")),
		CustomerJWTPublicKey: p.str("SETTLE_CUSTOMER_JWT_PUBLIC_KEY", ""),
		OpenAIAPIKey:         Secret(p.str("OPENAI_API_KEY", "")),
		OpenAIBaseURL:        p.str("OPENAI_BASE_URL", ""),
		ChatModel:            p.str("SETTLE_CHAT_MODEL", "gpt-4o-mini"),
		EmbeddingModel:       p.str("SETTLE_EMBEDDING_MODEL", "text-embedding-3-small"),
		EmbeddingDims:        int(p.int64("SETTLE_EMBEDDING_DIMS", 0, 0, 4096)),
		CobrowseIdleTimeout:  p.longDuration("SETTLE_COBROWSE_IDLE_TIMEOUT", 5*time.Minute, 30*time.Second, "5m"),
		CobrowseRetention:    p.longDuration("SETTLE_COBROWSE_RETENTION", 90*24*time.Hour, time.Hour, "90d or 720h"),
	}
	c.AIEngine = p.oneOf("SETTLE_AI_ENGINE", defaultEngine(c), "local", "llm")
	p.check("DATABASE_URL", validDatabaseURL(c.DatabaseURL.Reveal()))
	p.check("SETTLE_ADDR", validAddr(c.Addr))
	p.check("OPENAI_BASE_URL", validOptionalURL(c.OpenAIBaseURL))
	if c.AIEngine == "llm" && c.OpenAIAPIKey == "" && c.OpenAIBaseURL == "" {
		p.fail("SETTLE_AI_ENGINE", "is llm but neither OPENAI_API_KEY nor OPENAI_BASE_URL is set")
	}
	if s := c.CustomerJWTSecret.Reveal(); s != "" && len(s) < 32 {
		p.fail("SETTLE_CUSTOMER_JWT_SECRET", "must be at least 32 bytes")
	}
	return c, errors.Join(p.errs...)
}

func defaultEngine(c Config) string {
	if c.OpenAIAPIKey != "" {
		return "llm"
	}
	return "local"
}

// Print writes the config, one setting a line, with secrets masked.
func (c Config) Print(w io.Writer) {
	fmt.Fprintf(w, "config:\n")
	for _, kv := range c.fields() {
		fmt.Fprintf(w, "  %-32s %s\n", kv[0], kv[1])
	}
}

func (c Config) fields() [][2]string {
	return [][2]string{
		{"DATABASE_URL", RedactURL(c.DatabaseURL.Reveal())},
		{"SETTLE_ADDR", c.Addr},
		{"SETTLE_DEMO", strconv.FormatBool(c.Demo)},
		{"SETTLE_LOG_LEVEL", c.LogLevel.String()},
		{"SETTLE_MAX_BODY_BYTES", strconv.FormatInt(c.MaxBodyBytes, 10)},
		{"SETTLE_SHUTDOWN_TIMEOUT", c.ShutdownTimeout.String()},
		{"SETTLE_STAFF_SESSION_TTL", c.StaffSessionTTL.String()},
		{"SETTLE_COOKIE_SECURE", strconv.FormatBool(c.CookieSecure)},
		{"SETTLE_CUSTOMER_JWT_SECRET", c.CustomerJWTSecret.String()},
		{"SETTLE_CUSTOMER_JWT_PUBLIC_KEY", setOrUnset(c.CustomerJWTPublicKey)},
		{"SETTLE_AI_ENGINE", c.AIEngine},
		{"OPENAI_API_KEY", c.OpenAIAPIKey.String()},
		{"OPENAI_BASE_URL", orDefault(c.OpenAIBaseURL, "(OpenAI)")},
		{"SETTLE_CHAT_MODEL", c.ChatModel},
		{"SETTLE_EMBEDDING_MODEL", c.EmbeddingModel},
		{"SETTLE_EMBEDDING_DIMS", strconv.Itoa(c.EmbeddingDims)},
		{"SETTLE_COBROWSE_IDLE_TIMEOUT", c.CobrowseIdleTimeout.String()},
		{"SETTLE_COBROWSE_RETENTION", c.CobrowseRetention.String()},
	}
}

// RedactURL masks the password in a connection URL; unparsable input is masked whole.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "****"
	}
	return u.Redacted()
}

func setOrUnset(s string) string {
	if s == "" {
		return "(unset)"
	}
	return "(set)"
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func validDatabaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return errors.New("must be a postgres:// URL with a host")
	}
	if strings.Trim(u.Path, "/") == "" {
		return errors.New("must name a database")
	}
	return nil
}

func validAddr(s string) error {
	if _, port, err := net.SplitHostPort(s); err != nil || port == "" {
		return errors.New("must be host:port, e.g. 127.0.0.1:8080")
	}
	return nil
}

func validOptionalURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an http(s) URL")
	}
	return nil
}

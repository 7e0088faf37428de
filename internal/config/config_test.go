package config

import (
	"strings"
	"testing"
	"time"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env())
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DatabaseURL.Reveal() != DefaultDatabaseURL || c.AIEngine != "local" ||
		c.MaxBodyBytes != 1<<20 || c.ShutdownTimeout != 20*time.Second || c.Demo {
		t.Fatalf("unexpected defaults %+v", c)
	}
}

func TestLoadValues(t *testing.T) {
	c, err := Load(env("SETTLE_DEMO", "1", "SETTLE_ADDR", ":9090", "OPENAI_API_KEY", "sk-abc",
		"SETTLE_SHUTDOWN_TIMEOUT", "3s", "SETTLE_LOG_LEVEL", "debug", "SETTLE_EMBEDDING_DIMS", "256"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo || c.Addr != ":9090" || c.AIEngine != "llm" || c.ShutdownTimeout != 3*time.Second || c.EmbeddingDims != 256 {
		t.Fatalf("unexpected %+v", c)
	}
}

func TestCobrowseDurations(t *testing.T) {
	for _, tt := range []struct {
		kv        []string
		idle, ret time.Duration
	}{
		{nil, 5 * time.Minute, 90 * 24 * time.Hour},
		{[]string{"SETTLE_COBROWSE_IDLE_TIMEOUT", "2m", "SETTLE_COBROWSE_RETENTION", "30d"}, 2 * time.Minute, 30 * 24 * time.Hour},
		{[]string{"SETTLE_COBROWSE_RETENTION", "720h"}, 5 * time.Minute, 720 * time.Hour},
	} {
		c, err := Load(env(tt.kv...))
		if err != nil || c.CobrowseIdleTimeout != tt.idle || c.CobrowseRetention != tt.ret {
			t.Errorf("%v: idle %v retention %v, %v", tt.kv, c.CobrowseIdleTimeout, c.CobrowseRetention, err)
		}
	}
}

// Each invalid variable is reported by name, and all of them at once.
func TestLoadErrorsNameTheVariable(t *testing.T) {
	tests := []struct{ name, value string }{
		{"DATABASE_URL", "mysql://localhost/settle"},
		{"DATABASE_URL", "postgres://localhost"},
		{"SETTLE_ADDR", "8080"},
		{"SETTLE_DEMO", "maybe"},
		{"SETTLE_LOG_LEVEL", "loud"},
		{"SETTLE_MAX_BODY_BYTES", "12"},
		{"SETTLE_MAX_BODY_BYTES", "lots"},
		{"SETTLE_SHUTDOWN_TIMEOUT", "soon"},
		{"SETTLE_SHUTDOWN_TIMEOUT", "-5s"},
		{"SETTLE_STAFF_SESSION_TTL", "0s"},
		{"SETTLE_CUSTOMER_JWT_SECRET", "short"},
		{"SETTLE_AI_ENGINE", "magic"},
		{"SETTLE_AI_ENGINE", "llm"}, // no key or base URL
		{"OPENAI_BASE_URL", "ftp://models"},
		{"SETTLE_EMBEDDING_DIMS", "-1"},
		{"SETTLE_COBROWSE_IDLE_TIMEOUT", "1s"},
		{"SETTLE_COBROWSE_RETENTION", "soon"},
		{"SETTLE_COBROWSE_RETENTION", "-3d"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			_, err := Load(env(tt.name, tt.value))
			if err == nil || !strings.Contains(err.Error(), tt.name) {
				t.Fatalf("error %v does not name %s", err, tt.name)
			}
			if strings.Contains(err.Error(), "short") && tt.name == "SETTLE_CUSTOMER_JWT_SECRET" {
				t.Fatal("the secret's value appears in the error")
			}
		})
	}
	t.Run("several at once", func(t *testing.T) {
		_, err := Load(env("SETTLE_ADDR", "x", "SETTLE_DEMO", "x"))
		if err == nil || !strings.Contains(err.Error(), "SETTLE_ADDR") || !strings.Contains(err.Error(), "SETTLE_DEMO") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestPrintMasksSecrets(t *testing.T) {
	c, err := Load(env("DATABASE_URL", "postgres://settle:hunter2pass@db:5432/settle",
		"OPENAI_API_KEY", "sk-live-very-secret", "SETTLE_CUSTOMER_JWT_SECRET", "jwt-secret-jwt-secret-jwt-secret-1234"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	c.Print(&b)
	out := b.String()
	for _, secret := range []string{"hunter2pass", "sk-live-very-secret", "jwt-secret-jwt-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("printed config reveals %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"postgres://settle:xxxxx@db:5432/settle", "OPENAI_API_KEY", "****"} {
		if !strings.Contains(out, want) {
			t.Errorf("printed config lacks %q:\n%s", want, out)
		}
	}
}

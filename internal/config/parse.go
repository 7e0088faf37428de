package config

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// parser reads variables and collects one error per invalid variable.
type parser struct {
	getenv func(string) string
	errs   []error
}

func (p *parser) fail(name, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("config: %s %s", name, fmt.Sprintf(format, args...)))
}

func (p *parser) check(name string, err error) {
	if err != nil {
		p.fail(name, "%v", err)
	}
}

func (p *parser) str(name, def string) string {
	if v := strings.TrimSpace(p.getenv(name)); v != "" {
		return v
	}
	return def
}

func (p *parser) boolean(name string, def bool) bool {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, "is %q: want true/false/1/0", v)
		return def
	}
	return b
}

func (p *parser) int64(name string, def, min, max int64) int64 {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min || n > max {
		p.fail(name, "is %q: want a whole number from %d to %d", v, min, max)
		return def
	}
	return n
}

func (p *parser) duration(name string, def time.Duration) time.Duration {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail(name, "is %q: want a positive duration such as 30s or 12h", v)
		return def
	}
	return d
}

func (p *parser) level(name string, def slog.Level) slog.Level {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		p.fail(name, "is %q: want debug, info, warn or error", v)
		return def
	}
	return l
}

func (p *parser) oneOf(name, def string, allowed ...string) string {
	v := p.str(name, def)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail(name, "is %q: want one of %s", v, strings.Join(allowed, ", "))
	return def
}

// longDuration is a duration of at least min that may also be given in whole
// days ("90d"), for retention-like settings.
func (p *parser) longDuration(name string, def, min time.Duration, example string) time.Duration {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	d, err := parseDays(v)
	if err != nil || d < min {
		p.fail(name, "is %q: want a duration of at least %s, e.g. %s", v, min, example)
		return def
	}
	return d
}

// parseDays is time.ParseDuration plus whole days ("90d").
func parseDays(v string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad days %q", v)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}

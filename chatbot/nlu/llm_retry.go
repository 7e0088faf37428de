package nlu

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// retryDoer retries a provider's 429 and 5xx answers with exponential
// backoff, honouring Retry-After. It sits under the go-openai client, where
// the status and headers are still visible. It has no jitter: one Settle
// deployment is a handful of clients, not a thundering herd, and a fixed
// schedule keeps tests exact.
type retryDoer struct {
	next     openai.HTTPDoer
	attempts int
	base     time.Duration
	max      time.Duration
	sleep    func(ctx context.Context, d time.Duration) error
}

func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		res, err := d.next.Do(req)
		if err != nil || !retryable(res.StatusCode) || attempt >= d.attempts {
			return res, err
		}
		wait, ok := d.delay(attempt, res)
		if !ok {
			return res, nil // the provider asks for longer than we will wait
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
		if err := d.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		if req, err = rewind(req); err != nil {
			return nil, err
		}
	}
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// delay is base·2^(attempt-1), capped at max, unless the provider named a
// wait in Retry-After; a named wait longer than max is not worth taking.
func (d *retryDoer) delay(attempt int, res *http.Response) (time.Duration, bool) {
	if ra, ok := retryAfter(res.Header); ok {
		return ra, ra <= d.max
	}
	return min(d.base<<(attempt-1), d.max), true
}

// retryAfter reads Retry-After as delta-seconds or as an HTTP date. A date is
// measured against the response's own Date header rather than our clock:
// both come from the provider, so clock skew cancels out.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	at, err1 := http.ParseTime(v)
	now, err2 := http.ParseTime(h.Get("Date"))
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

// rewind returns req ready to send again, with a fresh body.
func rewind(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.GetBody == nil {
		return req, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Body = body
	return r, nil
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

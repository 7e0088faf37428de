package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/settlehq/settle/chatbot"
	"github.com/settlehq/settle/cobrowse"
	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/internal/httpx"
	"github.com/settlehq/settle/knowledge"
	"github.com/settlehq/settle/web"
)

// services are the feature services the router mounts; serve builds them.
type services struct {
	pool     *pgxpool.Pool
	tokens   *httpx.CustomerTokens
	disputes *disputes.Service
	chat     *chatbot.Service  // nil: no conversations (tests that need none)
	cobrowse *cobrowse.Handler // nil: no relay (tests that need none)
	// queueFeed serves the agent queue's event stream; nil: that stream answers 503.
	queueFeed *disputes.QueueFeed
}

// router wires every feature's routes behind the platform middleware. This is
// the one place that knows all of Settle's endpoints.
func (a *app) router(cfg config.Config, s services, log *slog.Logger) http.Handler {
	pool, tokens, disputeSvc := s.pool, s.tokens, s.disputes
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), poolCollector(pool))

	auth := httpx.NewAuth(pool, httpx.AuthConfig{
		Customers: tokens, Clock: a.clock, IDs: a.ids,
		SessionTTL: cfg.StaffSessionTTL, SecureCookie: cfg.CookieSecure,
	})
	orders := disputes.NewHandler(disputeSvc)
	if s.queueFeed != nil {
		orders.UseQueueFeed(s.queueFeed)
	}

	r := chi.NewRouter()
	r.NotFound(httpx.NotFound)
	r.MethodNotAllowed(httpx.MethodNotAllowed)
	r.Use(httpx.WithRequestID(log), httpx.AccessLog(httpx.NewMetrics(reg)), httpx.Recover, httpx.LimitBody(cfg.MaxBodyBytes))

	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Get("/readyz", readyz(pool))
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	r.Get("/openapi.json", serveOpenAPI)
	web.Routes(r) // the pages: /app/ (customer demo), /ops/; public files that call the API below

	// Browsers cannot set headers on a WebSocket: they authenticate the
	// upgrade with a single-use ticket (POST /v1/ws-tickets) instead.
	tickets := cobrowse.NewTickets(pool, a.clock, a.ids)
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate, wsTickets(tickets), httpx.NewIdempotency(pool, a.clock).Middleware)
		auth.StaffRoutes(r)
		orders.Routes(r)
		knowledge.NewHandler(a.retriever(cfg, pool)).Routes(r) // staff search; public /policies pages
		r.With(httpx.Require(httpx.KindStaff)).Post("/v1/triage", a.triageHandler(cfg, log))
		if s.chat != nil {
			chatbot.NewHandler(s.chat).Routes(r) // conversations, their socket, agent messages
		}
		if s.cobrowse != nil {
			s.cobrowse.Routes(r) // sessions, consent, codes, the relay sockets, recordings, ws-tickets
		}
		if cfg.Demo {
			orders.DemoRoutes(r, demoTokenIssuer(tokens))
		}
	})
	return r
}

// wsTickets authenticates WebSocket upgrades that carry ?ticket= (consumed
// here, once, and removed from the URL so nothing downstream tries it again);
// every other request is left to the headers and cookies.
func wsTickets(t *cobrowse.Tickets) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			tk := q.Get("ticket")
			if tk == "" || !websocket.IsWebSocketUpgrade(r) {
				next.ServeHTTP(w, r)
				return
			}
			p, err := t.Consume(r.Context(), tk)
			if err != nil {
				httpx.WriteError(w, r, err)
				return
			}
			q.Del("ticket")
			r2 := r.WithContext(httpx.WithPrincipal(r.Context(), p))
			u := *r.URL
			u.RawQuery = q.Encode()
			r2.URL = &u
			next.ServeHTTP(w, r2)
		})
	}
}

// readyz answers 200 only when the database answers and its schema is current.
func readyz(pool *pgxpool.Pool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := pool.Ping(ctx); err != nil {
			httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
			return
		}
		if err := schemaCurrent(ctx, pool); err != nil {
			httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database schema is behind: run `settle migrate up`"})
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}
}

// poolCollector exports the connection pool's state.
func poolCollector(pool *pgxpool.Pool) prometheus.Collector {
	return prometheus.CollectorFunc(func(ch chan<- prometheus.Metric) {
		s := pool.Stat()
		for _, m := range []struct {
			name string
			v    int32
		}{{"acquired", s.AcquiredConns()}, {"idle", s.IdleConns()}, {"total", s.TotalConns()}} {
			ch <- prometheus.MustNewConstMetric(
				prometheus.NewDesc("settle_db_pool_"+m.name+"_connections", "PostgreSQL pool connections: "+m.name+".", nil, nil),
				prometheus.GaugeValue, float64(m.v))
		}
	})
}

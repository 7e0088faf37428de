package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/internal/httpx"
)

// router wires every feature's routes behind the platform middleware. This is
// the one place that knows all of Settle's endpoints.
func (a *app) router(cfg config.Config, pool *pgxpool.Pool, tokens *httpx.CustomerTokens, disputeSvc *disputes.Service, log *slog.Logger) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), poolCollector(pool))

	auth := httpx.NewAuth(pool, httpx.AuthConfig{
		Customers: tokens, Clock: a.clock, IDs: a.ids,
		SessionTTL: cfg.StaffSessionTTL, SecureCookie: cfg.CookieSecure,
	})
	orders := disputes.NewHandler(disputeSvc)

	r := chi.NewRouter()
	r.NotFound(httpx.NotFound)
	r.MethodNotAllowed(httpx.MethodNotAllowed)
	r.Use(httpx.WithRequestID(log), httpx.AccessLog(httpx.NewMetrics(reg)), httpx.Recover, httpx.LimitBody(cfg.MaxBodyBytes))

	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Get("/readyz", readyz(pool))
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))

	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate, httpx.NewIdempotency(pool, a.clock).Middleware)
		auth.StaffRoutes(r)
		orders.Routes(r)
		if cfg.Demo {
			orders.DemoRoutes(r, demoTokenIssuer(tokens))
		}
	})
	return r
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

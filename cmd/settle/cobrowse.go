package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/chatbot"
	"github.com/settlehq/settle/cobrowse"
	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/config"
)

// cobrowseApp is cobrowse wired for serve: the service, the relay hub (with
// the in-process broker), WebSocket tickets and the retention job.
type cobrowseApp struct {
	handler *cobrowse.Handler
	hub     *cobrowse.Hub
	jobs    *cobrowse.Jobs
	stopHub context.CancelFunc
}

// notifier (may be nil) tells customers of agents' requests.
func (a *app) startCobrowse(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, disputeSvc *disputes.Service, notifier cobrowse.Notifier, log *slog.Logger) (*cobrowseApp, error) {
	svc := cobrowse.NewService(pool, cobrowse.Config{Clock: a.clock, IDs: a.ids, Cases: disputeCases{disputeSvc},
		Notifier: notifier, Log: log, IdleTimeout: cfg.CobrowseIdleTimeout, Retention: cfg.CobrowseRetention})
	hub := cobrowse.NewHub(svc, cobrowse.NewMemoryBroker(), cobrowse.HubConfig{Clock: a.clock, IDs: a.ids, Log: log})
	svc.OnChange(hub.Changed)
	jobs, err := cobrowse.NewJobs(pool, svc, log)
	if err != nil {
		return nil, err
	}
	if err := jobs.Start(ctx); err != nil {
		return nil, fmt.Errorf("start cobrowse jobs: %w", err)
	}
	hubCtx, stopHub := context.WithCancel(ctx)
	go hub.Run(hubCtx)
	return &cobrowseApp{handler: cobrowse.NewHandler(svc, hub, cobrowse.NewTickets(pool, a.clock, a.ids)),
		hub: hub, jobs: jobs, stopHub: stopHub}, nil
}

// stop closes every relay connection (storing the rest of each recording)
// and stops the jobs; serve calls it after the HTTP server stopped and
// before the pool closes.
func (c *cobrowseApp) stop(grace time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	c.stopHub()
	c.hub.Close(ctx)
	c.jobs.Stop(ctx)
}

// chatNotifier delivers an agent's cobrowse request on the customer's open
// conversation sockets (API.md: {"type":"cobrowse_request",...}). With no
// socket open it reports an error, the session stays requested, and the
// customer app learns of it by polling GET /v1/me/cobrowse/sessions.
type chatNotifier struct{ hub *chatbot.Hub }

var errNoLiveSocket = errors.New("the customer has no conversation socket open")

func (n chatNotifier) CobrowseRequested(_ context.Context, customerID string, r cobrowse.Request) error {
	if n.hub.Notify(customerID, r) == 0 {
		return errNoLiveSocket
	}
	return nil
}

// disputeCases answers cobrowse's questions about a dispute from the
// disputes service: cobrowse and disputes never import each other.
type disputeCases struct{ svc *disputes.Service }

func (c disputeCases) CobrowseCase(ctx context.Context, disputeID string) (cobrowse.Case, error) {
	cv, err := c.svc.AgentCase(ctx, disputeID)
	if err != nil {
		return cobrowse.Case{}, err
	}
	k := cobrowse.Case{CustomerID: cv.CustomerID, Open: cv.Status.Open(), HumanOwned: cv.Status.HumanOwned()}
	if h := cv.Handoff; h != nil && h.Status != "closed" {
		k.Handoff, k.ClaimedBy = h.Status, h.ClaimedBy
	}
	return k, nil
}

// Package web serves Settle's pages — the customer demo app (/app/), the ops
// console (/ops/) and, later, the agent console (/agent/) — from pre-built
// bundles embedded in the binary, so `go build` needs no Node.
//
// The sources are TypeScript + Preact under src/ (src/app, src/ops,
// src/shared); `make web` builds them with esbuild into dist/, which is
// committed, and `make web-check` fails when dist/ is not what the sources
// build to. Each page is a single-page app: every client route below its
// prefix answers with its index.html, built files carry a content hash in
// their names and are cached for a year, and every answer carries a strict
// Content-Security-Policy (no inline script or style, API and WebSockets to
// this origin only). The pages hold no secrets and no logic the API does not
// enforce: they call the same HTTP API as any client, with the caller's token.
package web

package main

import (
	"fmt"
	"io"
)

// printDemoAccess tells the person who ran `make run` how to get in.
func printDemoAccess(w io.Writer, base string) {
	fmt.Fprintf(w, `
Settle demo is running at %s
  customer app: %s/app/        ops console: %s/ops/
  health:       %s/readyz
  staff logins (POST /v1/staff/login):
`, base, base, base, base)
	for _, s := range demoStaff {
		fmt.Fprintf(w, "    %-6s %-20s password %s\n", s.role, s.email, s.password)
	}
	fmt.Fprintf(w, "  merchant API keys (Authorization: Bearer <key>):\n")
	for _, m := range demoMerchants {
		fmt.Fprintf(w, "    %-22s %-20s %s\n", m.name, m.id, demoMerchantKey(m.id))
	}
	fmt.Fprintf(w, "  customer tokens: POST /v1/demo/token {\"customer_id\":\"cus_demo_01\"}\n\n")
}

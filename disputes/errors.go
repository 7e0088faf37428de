package disputes

import "github.com/settlehq/settle/internal/errs"

// Errors a caller can cause. HTTP statuses come from their kinds (internal/httpx).
var (
	ErrOrderNotFound    = errs.New(errs.NotFound, "order_not_found", "no such order")
	ErrMerchantNotFound = errs.New(errs.NotFound, "merchant_not_found", "no such merchant")
	ErrCustomerNotFound = errs.New(errs.NotFound, "customer_not_found", "no such customer")
)

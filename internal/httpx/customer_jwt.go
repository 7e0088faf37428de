package httpx

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/errs"
)

// CustomerTokens verifies the JWTs the host app's backend signs for its customers:
// HS256 with a shared secret, or RS256 with the backend's public key. `sub` is the
// customer's id; `exp` is required.
type CustomerTokens struct {
	secret []byte
	public *rsa.PublicKey
	clock  clock.Clock
}

// NewCustomerTokens builds a verifier from a shared secret and/or an RSA public
// key in PEM. With neither, every customer token is refused.
func NewCustomerTokens(secret []byte, publicKeyPEM string, c clock.Clock) (*CustomerTokens, error) {
	t := &CustomerTokens{secret: secret, clock: c}
	if publicKeyPEM != "" {
		k, err := jwt.ParseRSAPublicKeyFromPEM([]byte(publicKeyPEM))
		if err != nil {
			return nil, fmt.Errorf("SETTLE_CUSTOMER_JWT_PUBLIC_KEY: %w", err)
		}
		t.public = k
	}
	return t, nil
}

var errBadCustomerToken = errs.New(errs.Unauthenticated, "invalid_token", "the customer token is invalid or expired")

// Verify checks a token and returns the customer id it names.
func (t *CustomerTokens) Verify(raw string) (string, error) {
	if len(t.secret) == 0 && t.public == nil {
		return "", errs.New(errs.Unauthenticated, "customer_auth_disabled", "customer authentication is not configured on this server")
	}
	var methods []string
	if len(t.secret) > 0 {
		methods = append(methods, jwt.SigningMethodHS256.Alg())
	}
	if t.public != nil {
		methods = append(methods, jwt.SigningMethodRS256.Alg())
	}
	tok, err := jwt.ParseWithClaims(raw, &jwt.RegisteredClaims{}, t.key,
		jwt.WithValidMethods(methods), jwt.WithExpirationRequired(),
		jwt.WithLeeway(30*time.Second), jwt.WithTimeFunc(t.clock.Now))
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return "", errs.New(errs.Unauthenticated, "token_expired", "the customer token has expired")
		}
		return "", errBadCustomerToken
	}
	sub, err := tok.Claims.GetSubject()
	if err != nil || sub == "" || len(sub) > 128 {
		return "", errBadCustomerToken
	}
	return sub, nil
}

func (t *CustomerTokens) key(tok *jwt.Token) (any, error) {
	switch tok.Method.(type) {
	case *jwt.SigningMethodHMAC:
		return t.secret, nil
	case *jwt.SigningMethodRSA:
		return t.public, nil
	}
	return nil, errors.New("unexpected signing method")
}

// Issue signs a token for a customer with the shared secret. Only demo mode and
// tests issue tokens; in production the host app's backend does.
func (t *CustomerTokens) Issue(customerID string, ttl time.Duration) (string, error) {
	if len(t.secret) == 0 {
		return "", errors.New("no shared secret configured to sign customer tokens")
	}
	now := t.clock.Now()
	claims := jwt.RegisteredClaims{
		Subject:   customerID,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
}

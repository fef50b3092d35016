package workload

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"github.com/hashicorp/go-bexpr"
)

// Bounds of a provider's fields (CONTRACT.md §14.2). The name, audience,
// description and conditional-access lengths are the official provider's
// validation; MaxAudiences is localhcp's.
const (
	MinConditionLen   = 5
	MaxConditionLen   = 511
	MaxAudienceLen    = 511
	MaxAudiences      = 32
	MaxDescriptionLen = 255
	// MaxIssuerLen bounds issuer_uri, which the API does not bound.
	MaxIssuerLen = 2048
	// MaxPerPrincipal bounds the providers of one service principal.
	MaxPerPrincipal = 50
)

// Config is what a workload identity provider trusts: an OIDC issuer and
// its audiences, or an AWS account (AWSAccountID != "").
type Config struct {
	Description       string
	ConditionalAccess string
	IssuerURI         string
	AllowedAudiences  []string
	AWSAccountID      string
}

// IsAWS reports whether the provider trusts an AWS account rather than an
// OIDC issuer.
func (c Config) IsAWS() bool { return c.AWSAccountID != "" }

var awsAccount = regexp.MustCompile(`^[0-9]{12}$`)

// Check validates c; aws says which of oidc_config and aws_config the
// request carried. The error names the field and the rule.
func (c Config) Check(aws bool) error {
	if len(c.Description) > MaxDescriptionLen {
		return fmt.Errorf("description is %d characters: use at most %d", len(c.Description), MaxDescriptionLen)
	}
	if err := CheckCondition(c.ConditionalAccess); err != nil {
		return err
	}
	if aws {
		if !awsAccount.MatchString(c.AWSAccountID) {
			return fmt.Errorf("aws_config.account_id %q is invalid: use the 12-digit AWS account id", truncate(c.AWSAccountID))
		}
		return nil
	}
	if err := CheckIssuer(c.IssuerURI); err != nil {
		return fmt.Errorf("oidc_config.issuer_uri: %w", err)
	}
	if len(c.AllowedAudiences) > MaxAudiences {
		return fmt.Errorf("oidc_config.allowed_audiences has %d entries: use at most %d", len(c.AllowedAudiences), MaxAudiences)
	}
	for i, a := range c.AllowedAudiences {
		if len(a) < 1 || len(a) > MaxAudienceLen {
			return fmt.Errorf("oidc_config.allowed_audiences[%d] is %d characters: use 1 to %d", i, len(a), MaxAudienceLen)
		}
	}
	return nil
}

// CheckIssuer accepts an https URL with a host, as issuer_uri must be.
func CheckIssuer(issuer string) error {
	if len(issuer) > MaxIssuerLen {
		return fmt.Errorf("issuer %q… is longer than %d characters", truncate(issuer), MaxIssuerLen)
	}
	u, err := url.Parse(issuer)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("issuer %q is invalid: use an https:// URL with a host, exactly as the tokens' iss claim", truncate(issuer))
	}
	return nil
}

// CheckCondition accepts a conditional_access expression of the allowed
// length that go-bexpr can parse.
func CheckCondition(expr string) error {
	if expr == "" {
		return errors.New("conditional_access is required: give a go-bexpr expression over jwt_claims, e.g. jwt_claims.sub == \"repo:org/app\"")
	}
	if len(expr) < MinConditionLen || len(expr) > MaxConditionLen {
		return fmt.Errorf("conditional_access is %d characters: use %d to %d", len(expr), MinConditionLen, MaxConditionLen)
	}
	if _, err := evaluator(expr); err != nil {
		return fmt.Errorf("conditional_access %q is not a go-bexpr expression: %w", expr, err)
	}
	return nil
}

// evaluator parses an expression. MaxConditionLen bounds the work of
// parsing and evaluating it: the matches operator uses Go's linear-time
// regular expressions.
func evaluator(expr string) (*bexpr.Evaluator, error) { return bexpr.CreateEvaluator(expr) }

// Admits evaluates a provider's conditional_access over a token's claims,
// found under the selector root jwt_claims. An expression that cannot be
// evaluated (it names a claim the token lacks, or compares a claim of
// another type) does not admit the token.
func Admits(expr string, claims map[string]any) bool {
	eval, err := evaluator(expr)
	if err != nil {
		return false
	}
	ok, err := eval.Evaluate(map[string]any{"jwt_claims": claims})
	return err == nil && ok
}

package wire

import "encoding/json"

// ServicePrincipal is hashicorp.cloud.iam.ServicePrincipal.
type ServicePrincipal struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	ResourceName   string `json:"resource_name"`
	OrganizationID string `json:"organization_id"`
	ProjectID      string `json:"project_id,omitempty"`
	CreatedAt      Time   `json:"created_at"`
}

// ServicePrincipalKey is hashicorp.cloud.iam.ServicePrincipal.Key. Its
// secret is never part of it: only CreateServicePrincipalKey's answer
// carries the secret, once.
type ServicePrincipalKey struct {
	ClientID     string `json:"client_id"`
	ResourceName string `json:"resource_name"`
	CreatedAt    Time   `json:"created_at"`
	State        string `json:"state"`
}

// CreateServicePrincipalBody is the body of CreateServicePrincipal.
type CreateServicePrincipalBody struct {
	Name string `json:"name"`
}

// Principal is hashicorp.cloud.iam.Principal, as localhcp fills it for
// service principals.
type Principal struct {
	ID      string            `json:"id"`
	Type    string            `json:"type"`
	Service *ServicePrincipal `json:"service,omitempty"`
}

// Policy is hashicorp.cloud.resourcemanager.Policy. Bindings is never null.
type Policy struct {
	Bindings []PolicyBinding `json:"bindings"`
	Etag     string          `json:"etag,omitempty"`
}

// PolicyBinding grants one role to its members. Members is never null.
type PolicyBinding struct {
	RoleID  string         `json:"role_id"`
	Members []PolicyMember `json:"members"`
}

// PolicyMember is one member of a binding.
type PolicyMember struct {
	MemberID   string `json:"member_id"`
	MemberType string `json:"member_type,omitempty"`
}

// SetIamPolicyBody is the body of every SetIamPolicy: the organization's
// and the project's carry only policy, the resource service's also names
// the resource.
type SetIamPolicyBody struct {
	Policy       *Policy `json:"policy"`
	ResourceName string  `json:"resource_name"`
	ResourceID   string  `json:"resource_id"`
}

// WorkloadIdentityProvider is hashicorp.cloud.iam.WorkloadIdentityProvider.
// Exactly one of OIDCConfig and AWSConfig is set.
type WorkloadIdentityProvider struct {
	ResourceName      string      `json:"resource_name"`
	ResourceID        string      `json:"resource_id"`
	Description       string      `json:"description"`
	ConditionalAccess string      `json:"conditional_access"`
	OIDCConfig        *OIDCConfig `json:"oidc_config,omitempty"`
	AWSConfig         *AWSConfig  `json:"aws_config,omitempty"`
	SystemManaged     bool        `json:"system_managed"`
	CreatedAt         Time        `json:"created_at"`
	UpdatedAt         Time        `json:"updated_at"`
}

// OIDCConfig is an OIDC provider's configuration. AllowedAudiences is
// never null: the official provider reads null as a null set.
type OIDCConfig struct {
	IssuerURI        string   `json:"issuer_uri"`
	AllowedAudiences []string `json:"allowed_audiences"`
}

// AWSConfig is an AWS provider's configuration.
type AWSConfig struct {
	AccountID string `json:"account_id"`
}

// WorkloadIdentityProviderFields are the fields of a provider a client
// sets: the body of UpdateWorkloadIdentityProvider and the provider of
// CreateWorkloadIdentityProvider's body. Other fields sent are ignored.
type WorkloadIdentityProviderFields struct {
	Description       string      `json:"description"`
	ConditionalAccess string      `json:"conditional_access"`
	OIDCConfig        *OIDCConfig `json:"oidc_config"`
	AWSConfig         *AWSConfig  `json:"aws_config"`
}

// CreateWorkloadIdentityProviderBody is the body of
// CreateWorkloadIdentityProvider.
type CreateWorkloadIdentityProviderBody struct {
	Name     string                          `json:"name"`
	Provider *WorkloadIdentityProviderFields `json:"provider"`
}

// ExchangeTokenBody is the body of the workload identity token exchange.
type ExchangeTokenBody struct {
	JWTToken            string          `json:"jwt_token"`
	AWSGetCallerIDToken json.RawMessage `json:"aws_get_caller_id_token"`
}

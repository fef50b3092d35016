package client

import (
	"context"
	"errors"

	iamservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/iam_service"
	iammodels "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/models"
	resourceservice "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/resource_service"
	rmmodels "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/models"
	"google.golang.org/grpc/codes"
)

// MemberTypeServicePrincipal is the member type of a service principal, the
// only principal the provider binds by itself.
const MemberTypeServicePrincipal = "SERVICE_PRINCIPAL"

// IAMPolicy is the IAM policy of one resource: who holds which role. Etag
// is the version SetBucketIAMPolicy must name to replace it.
type IAMPolicy struct {
	Bindings []IAMBinding
	Etag     string
}

// IAMBinding is one role and the principals that hold it.
type IAMBinding struct {
	Role    string
	Members []IAMMember
}

// IAMMember is a principal in a binding: its id and member type (USER,
// GROUP or SERVICE_PRINCIPAL).
type IAMMember struct {
	ID   string
	Type string
}

// HasMember reports whether principalID holds role in the policy.
func (p IAMPolicy) HasMember(role, principalID string) bool {
	for _, b := range p.Bindings {
		if b.Role != role {
			continue
		}
		for _, m := range b.Members {
			if m.ID == principalID {
				return true
			}
		}
	}
	return false
}

// WithMember returns a copy of the policy in which principalID holds role,
// and whether that changed anything.
func (p IAMPolicy) WithMember(role string, m IAMMember) (IAMPolicy, bool) {
	if p.HasMember(role, m.ID) {
		return p, false
	}
	out := IAMPolicy{Etag: p.Etag}
	added := false
	for _, b := range p.Bindings {
		if b.Role == role {
			b.Members = append(append([]IAMMember(nil), b.Members...), m)
			added = true
		}
		out.Bindings = append(out.Bindings, b)
	}
	if !added {
		out.Bindings = append(out.Bindings, IAMBinding{Role: role, Members: []IAMMember{m}})
	}
	return out, true
}

// WithoutMember returns a copy of the policy in which principalID no longer
// holds role (a role left with no member is dropped), and whether that
// changed anything.
func (p IAMPolicy) WithoutMember(role, principalID string) (IAMPolicy, bool) {
	if !p.HasMember(role, principalID) {
		return p, false
	}
	out := IAMPolicy{Etag: p.Etag}
	for _, b := range p.Bindings {
		if b.Role == role {
			var kept []IAMMember
			for _, m := range b.Members {
				if m.ID != principalID {
					kept = append(kept, m)
				}
			}
			if len(kept) == 0 {
				continue
			}
			b.Members = kept
		}
		out.Bindings = append(out.Bindings, b)
	}
	return out, true
}

// IsAborted reports whether err says the request lost a race: for
// SetIamPolicy, the etag it named is no longer the policy's.
func IsAborted(err error) bool { return CodeOf(err) == codes.Aborted }

// GetBucketIAMPolicy returns the IAM policy of a bucket. Reading it needs
// roles/viewer on the bucket (CONTRACT.md §13).
func (c *Client) GetBucketIAMPolicy(ctx context.Context, loc Location, bucket string) (*IAMPolicy, error) {
	name := Bucket{Name: bucket, ProjectID: loc.ProjectID}.ResourceName()
	params := resourceservice.NewResourceServiceGetIamPolicyParamsWithContext(ctx).WithResourceName(&name)
	resp, err := c.resources.ResourceServiceGetIamPolicy(params, nil)
	if err != nil {
		return nil, classify("GetIamPolicy", err)
	}
	return policyFromAnswer("GetIamPolicy", bucket, resp.GetPayload())
}

// SetBucketIAMPolicy replaces the IAM policy of a bucket and returns the new
// one. p.Etag must be the etag last read: a stale one is Aborted.
func (c *Client) SetBucketIAMPolicy(ctx context.Context, loc Location, bucket string, p IAMPolicy) (*IAMPolicy, error) {
	name := Bucket{Name: bucket, ProjectID: loc.ProjectID}.ResourceName()
	params := resourceservice.NewResourceServiceSetIamPolicyParamsWithContext(ctx).
		WithBody(&rmmodels.HashicorpCloudResourcemanagerResourceSetIamPolicyRequest{Policy: policyToSDK(p), ResourceName: name})
	resp, err := c.resources.ResourceServiceSetIamPolicy(params, nil)
	if err != nil {
		return nil, classify("SetIamPolicy", err)
	}
	p2 := resp.GetPayload()
	if p2 == nil {
		return nil, emptyAnswer("SetIamPolicy", "the IAM policy of bucket "+quote(bucket))
	}
	return policyFromAnswer("SetIamPolicy", bucket, &rmmodels.HashicorpCloudResourcemanagerResourceGetIamPolicyResponse{Policy: p2.Policy})
}

func policyFromAnswer(op, bucket string, resp *rmmodels.HashicorpCloudResourcemanagerResourceGetIamPolicyResponse) (*IAMPolicy, error) {
	if resp == nil || resp.Policy == nil {
		return nil, emptyAnswer(op, "the IAM policy of bucket "+quote(bucket))
	}
	out := &IAMPolicy{Etag: resp.Policy.Etag}
	for _, b := range resp.Policy.Bindings {
		if b == nil {
			continue
		}
		binding := IAMBinding{Role: b.RoleID}
		for _, m := range b.Members {
			if m == nil {
				continue
			}
			member := IAMMember{ID: m.MemberID}
			if m.MemberType != nil {
				member.Type = string(*m.MemberType)
			}
			binding.Members = append(binding.Members, member)
		}
		out.Bindings = append(out.Bindings, binding)
	}
	return out, nil
}

func policyToSDK(p IAMPolicy) *rmmodels.HashicorpCloudResourcemanagerPolicy {
	out := &rmmodels.HashicorpCloudResourcemanagerPolicy{
		Etag: p.Etag, Bindings: []*rmmodels.HashicorpCloudResourcemanagerPolicyBinding{},
	}
	for _, b := range p.Bindings {
		binding := &rmmodels.HashicorpCloudResourcemanagerPolicyBinding{
			RoleID: b.Role, Members: []*rmmodels.HashicorpCloudResourcemanagerPolicyBindingMember{},
		}
		for _, m := range b.Members {
			memberType := rmmodels.HashicorpCloudResourcemanagerPolicyBindingMemberType(m.Type)
			if m.Type == "" {
				memberType = rmmodels.HashicorpCloudResourcemanagerPolicyBindingMemberTypeSERVICEPRINCIPAL
			}
			binding.Members = append(binding.Members,
				&rmmodels.HashicorpCloudResourcemanagerPolicyBindingMember{MemberID: m.ID, MemberType: &memberType})
		}
		out.Bindings = append(out.Bindings, binding)
	}
	return out
}

// iamPolicyAttempts bounds ModifyBucketIAMPolicy: each attempt that loses
// the etag race to another writer reads the policy again.
const iamPolicyAttempts = 5

// ModifyBucketIAMPolicy reads a bucket's IAM policy, applies change and
// writes the result with the etag read, again from the read when another
// writer changed the policy in between (Aborted), at most iamPolicyAttempts
// times. change reports whether it changed anything; when it did not,
// nothing is written. The answer is the policy as the bucket now has it.
func ModifyBucketIAMPolicy(ctx context.Context, api API, loc Location, bucket string, change func(IAMPolicy) (IAMPolicy, bool)) (*IAMPolicy, error) {
	var err error
	for range iamPolicyAttempts {
		var current *IAMPolicy
		current, err = api.GetBucketIAMPolicy(ctx, loc, bucket)
		if err != nil {
			return nil, err
		}
		next, changed := change(*current)
		if !changed {
			return current, nil
		}
		next.Etag = current.Etag
		var set *IAMPolicy
		set, err = api.SetBucketIAMPolicy(ctx, loc, bucket, next)
		if err == nil {
			return set, nil
		}
		if !IsAborted(err) {
			return nil, err
		}
	}
	var e *Error
	if errors.As(err, &e) {
		contended := *e
		contended.Message = "the IAM policy of bucket " + quote(bucket) + " kept changing while it was being updated; " +
			"another writer is changing it at the same time: apply again when it is done (" + e.Message + ")"
		return nil, &contended
	}
	return nil, err
}

// maxPrincipalsPerLookup is BatchGetPrincipals' limit of ids per request.
const maxPrincipalsPerLookup = 1000

// memberTypes maps the IAM service's principal types to the member types of
// a policy binding.
var memberTypes = map[iammodels.HashicorpCloudIamPrincipalType]string{
	iammodels.HashicorpCloudIamPrincipalTypePRINCIPALTYPEUSER:    "USER",
	iammodels.HashicorpCloudIamPrincipalTypePRINCIPALTYPEGROUP:   "GROUP",
	iammodels.HashicorpCloudIamPrincipalTypePRINCIPALTYPESERVICE: MemberTypeServicePrincipal,
}

// PrincipalMemberTypes looks up principals of the location's organization
// and returns each id's member type for a policy binding. An unknown id is
// NotFound; a principal of a type no binding takes is InvalidArgument.
func (c *Client) PrincipalMemberTypes(ctx context.Context, loc Location, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for start := 0; start < len(ids); start += maxPrincipalsPerLookup {
		chunk := ids[start:min(start+maxPrincipalsPerLookup, len(ids))]
		view := string(iammodels.HashicorpCloudIamPrincipalViewPRINCIPALVIEWBASIC)
		params := iamservice.NewIamServiceBatchGetPrincipalsParamsWithContext(ctx).
			WithOrganizationID(loc.OrganizationID).WithPrincipalIds(chunk).WithView(&view)
		resp, err := c.iam.IamServiceBatchGetPrincipals(params, nil)
		if err != nil {
			return nil, classify("BatchGetPrincipals", err)
		}
		for _, p := range resp.GetPayload().Principals {
			if p == nil || p.Type == nil {
				continue
			}
			t, ok := memberTypes[*p.Type]
			if !ok {
				return nil, &Error{Op: "BatchGetPrincipals", Code: codes.InvalidArgument,
					Message: "principal " + quote(p.ID) + " is a " + string(*p.Type) + ", which no IAM binding takes"}
			}
			out[p.ID] = t
		}
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			return nil, &Error{Op: "BatchGetPrincipals", Code: codes.NotFound,
				Message: "principal " + quote(id) + " was not found in organization " + quote(loc.OrganizationID)}
		}
	}
	return out, nil
}

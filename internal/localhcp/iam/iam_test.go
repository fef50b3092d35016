package iam

import "testing"

func TestParseName(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want ParsedName
		ok   bool
	}{
		{"iam/project/p1/service-principal/packer", ParsedName{Parent: Parent{ProjectID: "p1"}, Name: "packer"}, true},
		{"iam/organization/o1/service-principal/ci", ParsedName{Parent: Parent{OrganizationID: "o1"}, Name: "ci"}, true},
		{"iam/project/p1/service-principal/packer/key/3KgtSLWTSs", ParsedName{Parent: Parent{ProjectID: "p1"}, Name: "packer", KeyID: "3KgtSLWTSs"}, true},
		{"iam/project/p1/service-principal/packer/workload-identity-provider/gh", ParsedName{}, false},
		{"iam/folder/p1/service-principal/packer", ParsedName{}, false},
		{"iam/project//service-principal/packer", ParsedName{}, false},
		{"iam/project/p1/service-principal/", ParsedName{}, false},
		{"packer/project/p1/bucket/a", ParsedName{}, false},
	}
	for _, tc := range cases {
		got, ok := ParseName(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("ParseName(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && got.KeyID == "" && PrincipalName(Parent{OrganizationID: got.Parent.OrganizationID, ProjectID: got.Parent.ProjectID}, got.Name) != tc.in {
			t.Errorf("PrincipalName does not give %q back", tc.in)
		}
	}
}

func TestCheckName(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{
		"packer": true, "tf-ci.v2_x": true, "abc": true, "ab": false, "-packer": false, "a b c": false,
		"a234567890123456789012345678901234567": false, "a23456789012345678901234567890123456": true,
	} {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func TestRanksAndBucketNames(t *testing.T) {
	t.Parallel()
	if Rank(RoleViewer) >= Rank(RoleContributor) || Rank(RoleContributor) >= Rank(RoleAdmin) || Rank(RoleAdmin) >= Rank(RoleOwner) {
		t.Fatal("basic roles are not ranked viewer < contributor < admin < owner")
	}
	if Rank("roles/secrets.app-manager") != RankNone || KnownRole("roles/packer.viewer") {
		t.Fatal("a role localhcp does not know has a rank")
	}
	if RoleOfRank(RankContributor) != RoleContributor || ShortRole(RoleAdmin) != "admin" || RoleID("viewer") != RoleViewer {
		t.Fatal("role spellings do not round-trip")
	}
	pid, b, ok := ParseBucketResource(BucketResource("p1", "golden"))
	if !ok || pid != "p1" || b != "golden" {
		t.Fatalf("bucket resource round trip: %q %q %v", pid, b, ok)
	}
	if _, _, ok := ParseBucketResource("packer/project/p1/bucket/"); ok {
		t.Fatal("a bucket resource without a name parsed")
	}
}

func TestParseProviderName(t *testing.T) {
	t.Parallel()
	sp := ParsedName{Parent: Parent{ProjectID: "p1"}, Name: "deployer"}
	for rn, ok := range map[string]bool{
		"iam/project/p1/service-principal/deployer/workload-identity-provider/gh":      true,
		"iam/organization/o1/service-principal/ci/workload-identity-provider/gh":       false,
		"iam/project/p1/service-principal/deployer/workload-identity-provider/":        false,
		"iam/project/p1/service-principal/deployer/workload-identity-provider/gh/x":    false,
		"iam/project/p1/service-principal/deployer/key/k/workload-identity-provider/g": false,
		"iam/project/p1/service-principal/deployer":                                    false,
	} {
		got, name, parsed := ParseProviderName(rn)
		if parsed != ok || ok && (got != sp || name != "gh" || ProviderName(PrincipalName(got.Parent, got.Name), name) != rn) {
			t.Errorf("ParseProviderName(%q) = %+v, %q, %v; want ok=%v", rn, got, name, parsed, ok)
		}
	}
}

#!/usr/bin/env bash
# make demo: the golden-image pipeline of examples/golden-image-pipeline, end to
# end, against a throwaway localhcp. Needs only Go, the Terraform CLI and bash;
# reaches no network (Terraform installs the provider from a local filesystem
# mirror) and leaves nothing running or on disk.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

export GOTOOLCHAIN=local CHECKPOINT_DISABLE=1

# Terraform only selects a pre-release such as 0.1.0-dev when a configuration
# pins it exactly, so the mirror offers the local build as a plain version.
provider_version="0.1.0"
bucket="golden-base"
child_bucket="golden-app"
# How far ahead the demo schedules its revocation: long enough to show a plan
# passing while the revocation is pending, short enough to wait for.
revoke_in_seconds=15

if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
fail() {
	printf '\ndemo failed: %s\n' "$*" >&2
	exit 1
}

# version_at_least HAVE WANT: whether dotted version HAVE is WANT or later,
# comparing the leading number of each of the first three fields (1.26rc1 is 1.26).
version_at_least() {
	local IFS=. i have_n want_n
	local -a have=($1) want=($2)
	for i in 0 1 2; do
		have_n="${have[i]:-0}" want_n="${want[i]:-0}"
		have_n="${have_n%%[!0-9]*}" want_n="${want_n%%[!0-9]*}"
		((10#${have_n:-0} == 10#${want_n:-0})) || return $((10#${have_n:-0} < 10#${want_n:-0}))
	done
}

# check_prerequisites fails, saying what to install, unless Go (at least the
# version go.mod names; GOTOOLCHAIN=local keeps Go from downloading a newer
# one), Terraform 1.8 or later (moved blocks, provider functions) and make are
# on PATH.
check_prerequisites() {
	local go_want go_have tf_have
	go_want="$(sed -n 's/^go //p' go.mod)"
	command -v go >/dev/null || fail "go is not on PATH: install Go $go_want or later (https://go.dev/dl/)"
	go_have="$(go env GOVERSION)"
	go_have="${go_have#go}"
	version_at_least "$go_have" "$go_want" ||
		fail "Go $go_have is older than the $go_want go.mod asks for: install Go $go_want or later (https://go.dev/dl/)"
	command -v terraform >/dev/null ||
		fail "terraform is not on PATH: install Terraform 1.8 or later (https://developer.hashicorp.com/terraform/install)"
	tf_have="$(terraform version 2>/dev/null | sed -n '1s/^Terraform v//p')"
	[[ -n "$tf_have" ]] || fail "\`terraform version\` does not print a version: is $(command -v terraform) the Terraform CLI?"
	version_at_least "$tf_have" 1.8 ||
		fail "Terraform $tf_have is older than 1.8: install Terraform 1.8 or later (https://developer.hashicorp.com/terraform/install)"
	command -v make >/dev/null || fail "make is not on PATH: install GNU make"
	echo "go $go_have, terraform $tf_have"
}

# cold_build says so when most of the build's dependencies are not compiled
# yet, so the first build's few minutes are not a silent wait.
cold_build() {
	local uncompiled
	uncompiled="$(go list -trimpath -deps -f '{{if and .Stale (not .Standard)}}{{.ImportPath}}{{end}}' . ./cmd/localhcp |
		grep -vc '^github.com/golden-image/terraform-provider-hcppacker' || true)"
	if ((uncompiled > 20)); then
		echo "first build: compiling $uncompiled dependency packages takes a few minutes (later builds take seconds)"
	fi
}

step "Check the prerequisites"
check_prerequisites

tmp="$(mktemp -d "${TMPDIR:-/tmp}/hcppacker-demo.XXXXXX")"
localhcp_pid=""
cleanup() {
	local status=$?
	if [[ -n "$localhcp_pid" ]]; then
		kill "$localhcp_pid" 2>/dev/null || true
		wait "$localhcp_pid" 2>/dev/null || true
	fi
	if [[ $status -ne 0 && -s "$tmp/localhcp.log" ]]; then
		printf '\nlast lines of the localhcp log:\n' >&2
		tail -n 20 "$tmp/localhcp.log" >&2
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

step "Build the provider and localhcp (make build)"
cold_build
make --no-print-directory build
localhcp="$repo/bin/localhcp"
build_seconds=$SECONDS
echo "built in ${build_seconds}s"

step "Start localhcp on 127.0.0.1, with its data in a temporary directory"
# hcp-sdk-go caches tokens under $HOME, keyed by client id only: a private HOME
# keeps localhcp tokens and real HCP credentials apart.
export HOME="$tmp/home"
mkdir -p "$HOME"
data="$tmp/localhcp"
"$localhcp" serve --addr 127.0.0.1:0 --data "$data" >"$tmp/localhcp.log" 2>&1 &
localhcp_pid=$!
# env --wait returns once the server recorded in the data directory answers,
# and fails at its bound.
if ! env_exports="$("$localhcp" env --data "$data" --wait 30s)"; then
	cat "$tmp/localhcp.log" >&2
	fail "localhcp did not answer within 30 seconds"
fi
grep -m 1 'listening on' "$tmp/localhcp.log" || true
grep -m 1 'web panel:' "$tmp/localhcp.log" || true

step "Point HCP clients at it: eval \"\$(localhcp env)\""
eval "$env_exports"
env | grep '^HCP_' | grep -v '^HCP_CLIENT_SECRET=' | sort
echo "HCP_CLIENT_SECRET=<not shown>"

step "Publish golden-image builds the way packer build records them (localhcp publish)"
# publish records one build and prints the new version's id.
publish() {
	local bucket=$1 fingerprint=$2 ami=$3
	shift 3
	local out
	out="$("$localhcp" publish --bucket "$bucket" --fingerprint "$fingerprint" --platform aws --region us-east-1 \
		--component-type amazon-ebs.ubuntu --external-id "$ami" "$@")"
	printf '  %-12s %-13s %-4s aws us-east-1 %s\n' "$bucket" "$fingerprint" \
		"$(sed -n 's/^version=//p' <<<"$out")" "$ami" >&2
	sed -n 's/^version_id=//p' <<<"$out"
}
publish "$bucket" base-2024-06 ami-0a11c0ffee0000006 --label os=ubuntu-22.04 >/dev/null
base_07_id="$(publish "$bucket" base-2024-07 ami-0a11c0ffee0000007 --label os=ubuntu-24.04)"
publish "$bucket" base-2024-08 ami-0a11c0ffee0000008 --label os=ubuntu-24.04 >/dev/null
# An application image built on top of base-2024-07 records it as its parent,
# so revoking base-2024-07 revokes the application image too.
publish "$child_bucket" app-2024-07 ami-0b22c0ffee0000007 --parent-version-id "$base_07_id" >/dev/null
echo "  ($child_bucket/app-2024-07 was built from $bucket/base-2024-07)"

step "Offer the provider through a filesystem mirror and a CLI config that uses nothing else"
mirror="$tmp/providers"
platform_dir="$mirror/registry.terraform.io/golden-image/hcppacker/$provider_version/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$platform_dir"
cp "$repo/bin/terraform-provider-hcppacker" "$platform_dir/terraform-provider-hcppacker_v$provider_version"
export TF_CLI_CONFIG_FILE="$tmp/terraform.rc"
cat >"$TF_CLI_CONFIG_FILE" <<EOF
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
}
EOF
cat "$TF_CLI_CONFIG_FILE"

work="$tmp/golden-image-pipeline"
cp -R "$repo/examples/golden-image-pipeline" "$work"
cd "$work"
# tfvars writes terraform.tfvars: the stable fingerprint, then any further
# lines (the revocations), and shows it.
tfvars() {
	local stable=$1
	shift
	{
		printf 'bucket_name        = "%s"\n' "$bucket"
		printf 'dev_fingerprint    = "base-2024-08"\n'
		printf 'stable_fingerprint = "%s"\n' "$stable"
		(($# == 0)) || printf '%s\n' "$@"
	} >terraform.tfvars
	echo "terraform.tfvars:"
	sed 's/^/  /' terraform.tfvars
}
tfvars base-2024-06

tf() { terraform "$@" -no-color; }

# show_summary prints the lines of a plan or apply that say what changes.
show_summary() { grep -E '^  # |^(Plan|Apply complete|No changes)|: (Creating|Destroying|Modifying|Reading)\.\.\.$|complete after' || true; }

step "terraform init: hcppacker comes from the local mirror"
tf init -input=false | grep -E 'Installing|Installed|successfully initialized' || true

step "terraform apply: create dev and stable, assign versions, deploy the stable image"
tf apply -input=false -auto-approve | show_summary

step "Channel assignment and the image the deployment uses"
printf 'dev    -> %s\n' "$(tf output -raw dev_fingerprint)"
printf 'stable -> %s\n' "$(tf output -raw stable_fingerprint)"
printf 'image     %s\n' "$(tf output -raw stable_image_id)"

step "Promote base-2024-07 to stable: a one-line change to terraform.tfvars, then apply"
tfvars base-2024-07
tf apply -input=false -auto-approve | show_summary
printf 'stable -> %s, image %s\n' "$(tf output -raw stable_fingerprint)" "$(tf output -raw stable_image_id)"

revocation=(
	"revocations = {"
	"  # Revoke in ${revoke_in_seconds}s and keep stable on it, so deployments stop then."
	"  \"base-2024-07\" = { revoke_in = \"${revoke_in_seconds}s\", rollback = false }"
	"}"
)
step "A CVE lands: schedule base-2024-07's revocation in ${revoke_in_seconds}s, naming the version"
tfvars base-2024-07 "${revocation[@]}"
tf apply -input=false -auto-approve | show_summary
# The revocation's revoke_at is at most revoke_in after this point.
due=$(($(date +%s) + revoke_in_seconds + 1))
printf 'revoke_at = %s, revocation_scheduled = %s\n' "$(tf output -raw stable_revoke_at)" \
	"$(tf output -raw stable_revocation_scheduled)"

step "While the revocation is only scheduled, plans still pass"
tf plan -input=false | show_summary

step "Once it takes effect, the next plan stops at the precondition on the deployment"
while (($(date +%s) < due)); do sleep 1; done
if plan_out="$(tf plan -input=false 2>&1)"; then
	printf '%s\n' "$plan_out"
	fail "the plan succeeded although the stable version is revoked"
fi
if ! grep -q 'Resource precondition failed' <<<"$plan_out"; then
	printf '%s\n' "$plan_out"
	fail "the plan failed, but not at the precondition"
fi
# Print the diagnostic box without its frame.
sed -n '/Error: Resource precondition failed/,/^╵/p' <<<"$plan_out" | sed -e '/^╵/d' -e 's/^│ \{0,1\}//'

step "Promote the fix: base-2024-08 to stable in one apply; the revocation stays on base-2024-07"
tfvars base-2024-08 "${revocation[@]}"
tf apply -input=false -auto-approve | show_summary
stable_now="$(tf output -raw stable_fingerprint)"
cve_status="$(tf output -json revocations | sed -n 's/.*"base-2024-07":{[^}]*"status":"\([A-Z_]*\)".*/\1/p')"
printf 'stable -> %s, image %s, status %s; base-2024-07: %s\n' "$stable_now" \
	"$(tf output -raw stable_image_id)" "$(tf output -raw stable_status)" "$cve_status"
[[ "$stable_now" == base-2024-08 ]] || fail "stable serves $stable_now after promoting base-2024-08"
[[ "$cve_status" == VERSION_REVOKED ]] || fail "base-2024-07 is $cve_status after promoting the fix, want VERSION_REVOKED"

if [[ -n "${DEMO_HOLD:-}" ]]; then
	step "DEMO_HOLD is set: localhcp keeps running until you press Enter"
	printf 'web panel (one-time login link): %s\n' "$("$localhcp" env --data "$data" --panel-link)"
	read -r _ || true
fi

step "Done in $((SECONDS - build_seconds))s after the build: localhcp stops and the temporary directory goes"

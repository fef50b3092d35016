#!/usr/bin/env bash
# make demo: the golden-image pipeline of examples/golden-image-pipeline, end to
# end, against a throwaway localhcp. Needs only Go, the Terraform CLI and
# bash; reaches no network (the provider comes from a local filesystem mirror)
# and leaves nothing running or on disk.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

export GOTOOLCHAIN=local CHECKPOINT_DISABLE=1

# Terraform only selects a pre-release such as 0.1.0-dev when it is pinned
# exactly, so the local mirror offers the build under a plain version.
provider_version="0.1.0"
bucket="golden-base"
child_bucket="golden-app"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\ndemo failed: %s\n' "$*" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/hcppacker-demo.XXXXXX")"
localhcp_pid=""
cleanup() {
	status=$?
	if [[ -n "$localhcp_pid" ]] && kill -0 "$localhcp_pid" 2>/dev/null; then
		kill "$localhcp_pid" 2>/dev/null || true
		wait "$localhcp_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
	if [[ $status -ne 0 ]]; then
		printf '\ndemo failed (exit %d); localhcp stopped and %s removed\n' "$status" "$tmp" >&2
	fi
}
trap cleanup EXIT

step "Build the provider and localhcp (make build)"
make --no-print-directory build
localhcp="$repo/bin/localhcp"

step "Start localhcp on 127.0.0.1 with its data in a temporary directory"
# hcp-sdk-go caches tokens under $HOME, keyed by client id only: a private HOME
# keeps a localhcp token away from real HCP credentials and vice versa.
export HOME="$tmp/home"
mkdir -p "$HOME"

# free_port picks a port nothing listens on; bash's /dev/tcp needs no extra tools.
free_port() {
	local port
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

# wait_for_port polls until localhcp accepts connections, or gives up after
# 30 seconds (or as soon as the process has exited).
wait_for_port() {
	local port=$1 deadline=$((SECONDS + 30))
	while ((SECONDS < deadline)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		kill -0 "$localhcp_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

started=""
for _ in 1 2 3; do
	port="$(free_port)" || fail "no free port on 127.0.0.1"
	"$localhcp" serve --addr "127.0.0.1:$port" --data "$tmp/localhcp" >"$tmp/localhcp.log" 2>&1 &
	localhcp_pid=$!
	if wait_for_port "$port"; then
		started=1
		break
	fi
	# Another process may have taken the port between the check and the bind.
	kill "$localhcp_pid" 2>/dev/null || true
	wait "$localhcp_pid" 2>/dev/null || true
	localhcp_pid=""
done
[[ -n "$started" ]] || { cat "$tmp/localhcp.log" >&2; fail "localhcp did not start"; }
echo "localhcp (pid $localhcp_pid) listens on https://127.0.0.1:$port"

step "Point HCP clients at it: eval \"\$(localhcp env)\""
eval "$("$localhcp" env --data "$tmp/localhcp")"
env | grep '^HCP_' | grep -v SECRET | sort
echo "HCP_CLIENT_SECRET=<hidden>"

step "Publish golden-image builds the way packer build records them (localhcp publish)"
publish() { "$localhcp" publish "$@"; }
publish --bucket "$bucket" --fingerprint base-2024-06 --external-id ami-0a11c0ffee0000001 --label os=ubuntu-22.04
publish --bucket "$bucket" --fingerprint base-2024-07 --external-id ami-0a11c0ffee0000002 --label os=ubuntu-22.04
publish --bucket "$bucket" --fingerprint base-2024-08 --external-id ami-0a11c0ffee0000003 --label os=ubuntu-24.04
# A child image built on top of the base: its version records the parent, so
# revoking the base version also revokes it (inherited revocation).
publish --bucket "$child_bucket" --fingerprint app-2024-07 --external-id ami-0b22c0ffee0000001 \
	--parent-bucket "$bucket" --parent-fingerprint base-2024-07

step "Lay out the provider in a filesystem mirror and write a CLI config that uses only it"
mirror="$tmp/providers"
platform_dir="$mirror/registry.terraform.io/golden-image/hcppacker/$provider_version/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$platform_dir"
cp "$repo/bin/terraform-provider-hcppacker" "$platform_dir/terraform-provider-hcppacker_v$provider_version"
export TF_CLI_CONFIG_FILE="$tmp/terraform.rc"
cat >"$TF_CLI_CONFIG_FILE" <<EOF
# Providers come from this directory only: no registry, no network.
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
cat >terraform.tfvars <<EOF
bucket_name        = "$bucket"
dev_fingerprint    = "base-2024-08"
stable_fingerprint = "base-2024-07"
EOF

tf() { terraform "$@" -no-color; }

step "terraform init: installs hcppacker from the local mirror"
tf init -input=false | grep -E 'Installing|Installed|initialized'

step "terraform apply: create dev and stable, promote versions, deploy the stable image"
tf apply -input=false -auto-approve | grep -E '^(hcppacker|terraform_data|data\.)|Apply complete' || true
echo
tf output

step "Channel assignment and the image the deployment uses"
printf 'dev    -> %s\n' "$(tf output -raw dev_fingerprint)"
printf 'stable -> %s\n' "$(tf output -raw stable_fingerprint)"
printf 'image  =  %s\n' "$(tf output -raw stable_image_id)"

step "A CVE lands: revoke the stable version as code (-var revoke_stable=true)"
tf apply -input=false -auto-approve -var revoke_stable=true | grep -E 'Apply complete|hcppacker_version_revocation' || true

step "The next plan stops at the precondition on the deployment"
if plan_out="$(tf plan -input=false -var revoke_stable=true 2>&1)"; then
	printf '%s\n' "$plan_out"
	fail "the plan succeeded although the stable version is revoked"
fi
message="$(printf '%s\n' "$plan_out" | sed -n '/Resource precondition failed/,/^$/p;/is revoked/p' | sed 's/^[│ ]*//' | grep -v '^$' | sort -u)"
[[ -n "$message" ]] || { printf '%s\n' "$plan_out"; fail "the plan failed, but not on the precondition"; }
printf '%s\n' "$plan_out" | grep -E 'Error:|is revoked' | sed 's/^[│ ]*//'

step "Restore: destroy the revocation (-var revoke_stable=false) and deploy again"
tf apply -input=false -auto-approve -var revoke_stable=false | grep -E 'Apply complete|hcppacker_version_revocation' || true
printf 'stable -> %s, image %s, revoke_at %s\n' "$(tf output -raw stable_fingerprint)" \
	"$(tf output -raw stable_image_id)" "$(tf output -json stable_revoke_at)"

step "Done: stopping localhcp and removing $tmp"

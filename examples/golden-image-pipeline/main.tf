terraform {
  required_version = ">= 1.8"

  required_providers {
    hcppacker = {
      source = "golden-image/hcppacker"
    }
  }
}

# Configured only through the environment: HCP_CLIENT_ID, HCP_CLIENT_SECRET and,
# optionally, HCP_PROJECT_ID (or `eval "$(localhcp env)"` for a local registry).
provider "hcppacker" {}

# 1. Channels: friendly names that point at one version of the bucket.
resource "hcppacker_channel" "dev" {
  bucket_name = var.bucket_name
  name        = "dev"
}

resource "hcppacker_channel" "stable" {
  bucket_name = var.bucket_name
  name        = "stable"
  restricted  = true
}

# 2. Promotion: which version each channel serves. Changing a fingerprint and
# applying is a promotion; the provider refuses unknown, incomplete and revoked
# versions at plan time.
resource "hcppacker_channel_assignment" "dev" {
  bucket_name         = hcppacker_channel.dev.bucket_name
  channel_name        = hcppacker_channel.dev.name
  version_fingerprint = var.dev_fingerprint
}

resource "hcppacker_channel_assignment" "stable" {
  bucket_name         = hcppacker_channel.stable.bucket_name
  channel_name        = hcppacker_channel.stable.name
  version_fingerprint = var.stable_fingerprint
}

# 3. Revocation as code: when a CVE lands, set revoke_stable = true. Destroying
# the revocation (revoke_stable = false) restores the version.
resource "hcppacker_version_revocation" "stable" {
  count = var.revoke_stable ? 1 : 0

  bucket_name               = hcppacker_channel_assignment.stable.bucket_name
  version_fingerprint       = hcppacker_channel_assignment.stable.version_fingerprint
  revoke_in                 = var.revoke_stable_in
  message                   = var.revocation_message
  disable_rollback_channels = !var.rollback_stable
}

# 4. Consumption: the image the stable channel serves, in one cloud and region.
data "hcppacker_image" "stable" {
  bucket_name    = hcppacker_channel_assignment.stable.bucket_name
  channel        = hcppacker_channel_assignment.stable.channel_name
  cloud_provider = var.platform
  region         = var.region

  # Whether the image is revoked depends on the revocation above: read it
  # after the revocation is created or destroyed, so that a restore is judged
  # by the restored version and not by the status the plan started from.
  depends_on = [hcppacker_version_revocation.stable]
}

# 5. The deployment. terraform_data stands in for aws_instance (its input is
# where the AMI id goes) so the example needs no cloud account. The
# precondition stops every plan that would deploy a revoked image.
resource "terraform_data" "server" {
  input = data.hcppacker_image.stable.cloud_image_id

  lifecycle {
    precondition {
      condition     = !data.hcppacker_image.stable.revoked
      error_message = "Image ${data.hcppacker_image.stable.cloud_image_id} (bucket ${data.hcppacker_image.stable.bucket_name}, version ${data.hcppacker_image.stable.fingerprint}) on the stable channel was revoked at ${coalesce(data.hcppacker_image.stable.revoke_at, "?")}: ${coalesce(data.hcppacker_image.stable.revocation_message, "no reason given")}. Promote a fixed version to stable before deploying."
    }
  }
}

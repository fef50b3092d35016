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
# applying is a promotion (or a rollback, to an earlier fingerprint); the
# provider refuses unknown and incomplete versions at plan time, and revoked
# ones unless this apply restores them.
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

# 3. Revocation as code: each entry of var.revocations revokes the version it
# names, whatever the channels serve. Removing the entry restores the version.
resource "hcppacker_version_revocation" "cve" {
  for_each = var.revocations

  bucket_name         = var.bucket_name
  version_fingerprint = each.key
  revoke_in           = each.value.revoke_in
  message             = each.value.message
  # An immediate revocation always lets HCP Packer roll back channels this
  # configuration does not manage: refusing that would refuse the revocation.
  disable_rollback_channels = each.value.revoke_in != null && !each.value.rollback

  # Terraform moves the channels first, then revokes; on a restore it
  # restores first, then moves the channels back onto the version.
  depends_on = [hcppacker_channel_assignment.dev, hcppacker_channel_assignment.stable]

  lifecycle {
    precondition {
      condition     = each.value.revoke_in != null || !contains(values(local.channel_fingerprints), each.key)
      error_message = "Version ${each.key} of bucket ${var.bucket_name} is to be revoked now, but channels still serve it (${join(", ", [for variable, fp in local.channel_fingerprints : variable if fp == each.key])}). In the same apply, set those to the fixed version, or to an earlier valid one to roll back; or schedule the revocation with revoke_in."
    }
  }
}

locals {
  # What the managed channels serve, by the variable that sets it.
  channel_fingerprints = {
    dev_fingerprint    = var.dev_fingerprint
    stable_fingerprint = var.stable_fingerprint
  }
}

# 4. Consumption: the image the stable channel serves, in one cloud and region,
# read after the assignments and revocations so that it is the image stable
# serves once this apply is done.
data "hcppacker_image" "stable" {
  bucket_name    = hcppacker_channel_assignment.stable.bucket_name
  channel        = hcppacker_channel_assignment.stable.channel_name
  cloud_provider = var.platform
  region         = var.region

  depends_on = [hcppacker_version_revocation.cve]
}

# 5. The deployment. terraform_data stands in for aws_instance (its input is
# where the AMI id goes) so the example needs no cloud account. The
# precondition stops every plan that would deploy a revoked image.
resource "terraform_data" "server" {
  input = data.hcppacker_image.stable.cloud_image_id

  lifecycle {
    precondition {
      condition     = !data.hcppacker_image.stable.revoked
      error_message = "Image ${data.hcppacker_image.stable.cloud_image_id} (bucket ${data.hcppacker_image.stable.bucket_name}, version ${data.hcppacker_image.stable.fingerprint}) on the stable channel was revoked at ${coalesce(data.hcppacker_image.stable.revoke_at, "?")}: ${coalesce(data.hcppacker_image.stable.revocation_message, "no reason given")}. Set stable_fingerprint to a fixed version (or an earlier valid one) before deploying."
    }
  }
}

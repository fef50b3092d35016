# The configuration of ../hashicorp-hcp-v0.114/main.tf after the move to
# hcppacker: the same objects under hcppacker types, one moved block each.
# It no longer names hashicorp/hcp; the state still does until the apply.
# The bucket IAM binding and policy are not in that configuration: the test
# adds state entries in the official resources' shape for them.
terraform {
  required_providers {
    hcppacker = { source = "golden-image/hcppacker" }
  }
}

resource "hcppacker_bucket" "b" { name = "mvb2" }

resource "hcppacker_run_task" "rt" {}

resource "hcppacker_channel" "c" {
  bucket_name = "mvb"
  name        = "stable"
}

resource "hcppacker_channel_assignment" "a" {
  bucket_name         = "mvb"
  channel_name        = hcppacker_channel.c.name
  version_fingerprint = "fp2-mvb"
}

# The viewer bound on mvb, and mvb2's whole policy: two buckets, so that the
# policy does not own the binding. The ids are the test's seeded principals.
variable "viewer_id" { type = string }
variable "contributor_id" { type = string }

resource "hcppacker_bucket_iam_binding" "ib" {
  bucket_name  = "mvb"
  role         = "roles/viewer"
  principal_id = var.viewer_id
}

resource "hcppacker_bucket_iam_policy" "ip" {
  bucket_name = hcppacker_bucket.b.name
  policy_data = jsonencode({
    bindings = [{ role_id = "roles/contributor", members = [{ member_id = var.contributor_id, member_type = "SERVICE_PRINCIPAL" }] }]
  })
}

moved {
  from = hcp_packer_bucket.b
  to   = hcppacker_bucket.b
}

moved {
  from = hcp_packer_channel.c
  to   = hcppacker_channel.c
}

moved {
  from = hcp_packer_channel_assignment.a
  to   = hcppacker_channel_assignment.a
}

moved {
  from = hcp_packer_bucket_iam_binding.ib
  to   = hcppacker_bucket_iam_binding.ib
}

moved {
  from = hcp_packer_bucket_iam_policy.ip
  to   = hcppacker_bucket_iam_policy.ip
}

moved {
  from = hcp_packer_run_task.rt
  to   = hcppacker_run_task.rt
}

# The configuration of ../hashicorp-hcp-v0.114/main.tf after the move to
# hcppacker: the same objects under hcppacker types, one moved block each.
# It no longer names hashicorp/hcp; the state still does until the apply.
terraform {
  required_providers {
    hcppacker = { source = "golden-image/hcppacker" }
  }
}

resource "hcppacker_bucket" "b" { name = "mvb2" }

resource "hcppacker_channel" "c" {
  bucket_name = "mvb"
  name        = "stable"
}

resource "hcppacker_channel_assignment" "a" {
  bucket_name         = "mvb"
  channel_name        = hcppacker_channel.c.name
  version_fingerprint = "fp2-mvb"
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

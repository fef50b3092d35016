# A 2022-era config for the official provider's hcp_packer_iteration and
# hcp_packer_image, reading every attribute such configs used. The migration
# tests rename only the type prefix (hcp_packer_ -> hcppacker_) and apply it.
data "hcp_packer_iteration" "ubuntu" {
  bucket_name = "hardened-ubuntu"
  channel     = "production"
}

data "hcp_packer_image" "ubuntu_us_east_1" {
  bucket_name    = "hardened-ubuntu"
  cloud_provider = "aws"
  iteration_id   = data.hcp_packer_iteration.ubuntu.ulid
  region         = "us-east-1"
}

data "hcp_packer_image" "by_channel" {
  bucket_name    = "hardened-ubuntu"
  channel        = "production"
  cloud_provider = "aws"
  region         = "us-east-1"
  component_type = "amazon-ebs.ubuntu"
}

output "ami" {
  value = data.hcp_packer_image.ubuntu_us_east_1.cloud_image_id
}

output "iteration" {
  value = {
    id                  = data.hcp_packer_iteration.ubuntu.id
    fingerprint         = data.hcp_packer_iteration.ubuntu.fingerprint
    incremental_version = data.hcp_packer_iteration.ubuntu.incremental_version
    revoke_at           = data.hcp_packer_iteration.ubuntu.revoke_at
  }
}

output "image" {
  value = {
    iteration_id    = data.hcp_packer_image.by_channel.iteration_id
    build_id        = data.hcp_packer_image.by_channel.build_id
    labels          = data.hcp_packer_image.by_channel.labels
    revoke_at       = data.hcp_packer_image.by_channel.revoke_at
    packer_run_uuid = data.hcp_packer_image.by_channel.packer_run_uuid
    created_at      = data.hcp_packer_image.by_channel.created_at
  }
}

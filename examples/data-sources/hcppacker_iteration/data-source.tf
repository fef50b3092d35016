# The iteration (today: version) a channel points at, with the attribute
# names 2022-era hcp_packer_iteration configs use.
data "hcppacker_iteration" "ubuntu" {
  bucket_name = "hardened-ubuntu"
  channel     = "production"
}

output "ubuntu_iteration" {
  value = {
    id                  = data.hcppacker_iteration.ubuntu.ulid
    fingerprint         = data.hcppacker_iteration.ubuntu.fingerprint
    incremental_version = data.hcppacker_iteration.ubuntu.incremental_version
    revoked             = data.hcppacker_iteration.ubuntu.revoked
  }
}

data "hcppacker_bucket" "ubuntu" {
  name = "hardened-ubuntu"
}

output "ubuntu_bucket" {
  value = {
    versions       = data.hcppacker_bucket.ubuntu.version_count
    latest_version = data.hcppacker_bucket.ubuntu.latest_version_name
    platforms      = data.hcppacker_bucket.ubuntu.platforms
  }
}

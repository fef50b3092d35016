# The version a channel points at.
data "hcppacker_version" "production" {
  bucket_name  = "hardened-ubuntu"
  channel_name = "production"
}

# A version pinned by fingerprint; reading it fails once it is revoked.
data "hcppacker_version" "pinned" {
  bucket_name    = "hardened-ubuntu"
  fingerprint    = "01HZX3Q6W8V4JZ6Q1E2R3T4Y5V"
  reject_revoked = true
}

output "production_version" {
  value = {
    name                 = data.hcppacker_version.production.name
    fingerprint          = data.hcppacker_version.production.fingerprint
    revocation_scheduled = data.hcppacker_version.production.revocation_scheduled
    revoke_at            = data.hcppacker_version.production.revoke_at
  }
}

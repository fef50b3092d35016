output "dev_fingerprint" {
  description = "Version fingerprint the dev channel serves."
  value       = hcppacker_channel_assignment.dev.version_fingerprint
}

output "stable_fingerprint" {
  description = "Version fingerprint the stable channel serves, as read after this apply's promotions and revocations."
  value       = data.hcppacker_image.stable.fingerprint
}

output "stable_image_id" {
  description = "Cloud image id (the AMI) the deployment uses."
  value       = terraform_data.server.output
}

output "stable_revoke_at" {
  description = "When the version stable serves is or will be revoked; null while it is not."
  value       = data.hcppacker_image.stable.revoke_at
}

output "stable_revocation_scheduled" {
  description = "Whether the version stable serves has a revocation that has not taken effect yet."
  value       = data.hcppacker_image.stable.revocation_scheduled
}

output "stable_status" {
  description = "Status of the version stable serves: VERSION_ACTIVE, VERSION_REVOCATION_SCHEDULED or VERSION_REVOKED."
  value       = data.hcppacker_image.stable.status
}

output "revocations" {
  description = "Each revoked version, by fingerprint: its status (VERSION_REVOKED or VERSION_REVOCATION_SCHEDULED), revoke_at, and whether the revocation has taken effect."
  value = {
    for fp, r in hcppacker_version_revocation.cve : fp => {
      status    = r.status
      revoke_at = r.revoke_at
      revoked   = r.revoked
    }
  }
}

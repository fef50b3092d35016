output "dev_fingerprint" {
  description = "Version fingerprint the dev channel serves."
  value       = hcppacker_channel_assignment.dev.version_fingerprint
}

output "stable_fingerprint" {
  description = "Version fingerprint the stable channel serves."
  value       = hcppacker_channel_assignment.stable.version_fingerprint
}

output "stable_image_id" {
  description = "Cloud image id (the AMI) the deployment uses."
  value       = terraform_data.server.output
}

output "stable_revoke_at" {
  description = "When the stable version is or will be revoked; null while it is not."
  value       = data.hcppacker_image.stable.revoke_at
}

output "stable_revocation_scheduled" {
  description = "Whether the stable version has a revocation that has not taken effect yet."
  value       = data.hcppacker_image.stable.revocation_scheduled
}

output "stable_status" {
  description = "Status of the stable version: VERSION_ACTIVE, VERSION_REVOCATION_SCHEDULED or VERSION_REVOKED."
  value       = data.hcppacker_image.stable.status
}

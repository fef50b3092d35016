variable "bucket_name" {
  description = "HCP Packer bucket that holds the golden image builds."
  type        = string
  default     = "golden-base"
}

variable "dev_fingerprint" {
  description = "Fingerprint of the version to put on the dev channel: usually the newest build."
  type        = string
}

variable "stable_fingerprint" {
  description = "Fingerprint of the version to put on the stable channel: the build that passed testing. When you revoke the version stable serves now, set this in the same apply to the fixed version (promote the fix) or to an earlier one (roll back)."
  type        = string
}

variable "platform" {
  description = "Cloud the image is for, as Packer records it (aws, azure, gce, …)."
  type        = string
  default     = "aws"
}

variable "region" {
  description = "Region the image must be in."
  type        = string
  default     = "us-east-1"
}

variable "revocations" {
  description = <<-EOT
    Versions to revoke, keyed by fingerprint: a CVE landed in them. Each names its version, so promoting
    a fix never moves a revocation. Remove an entry to restore its version.
      message   - why; recorded on the version and shown to everyone who reads it.
      revoke_in - schedule the revocation this long after the apply (units s, m, h, d: "72h", "7d");
                  null (the default) revokes now, which needs dev and stable moved off the version.
      rollback  - for a scheduled revocation: when it takes effect, let HCP Packer roll channels that
                  still serve the version back to their previous valid version (true, the default), or
                  leave them on it so that deployments stop at the precondition (false).
  EOT
  type = map(object({
    message   = optional(string, "CVE in the base image: rebuild from the patched base and promote the new version")
    revoke_in = optional(string)
    rollback  = optional(bool, true)
  }))
  default  = {}
  nullable = false
}

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
  description = "Fingerprint of the version to put on the stable channel: the build that passed testing."
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

variable "revoke_stable" {
  description = "Revoke the version the stable channel serves (a CVE landed). Set back to false to restore it."
  type        = bool
  default     = false
}

variable "revoke_stable_in" {
  description = "Schedule the revocation this long after the apply (units s, m, h, d: \"72h\", \"7d\") instead of revoking now. null revokes immediately."
  type        = string
  default     = null
}

variable "rollback_stable" {
  description = "When the revocation takes effect, let HCP Packer roll the stable channel back to its previous valid version (consumers silently get the older image). false keeps stable on the revoked version so deployments stop at the precondition; HCP Packer allows that only for a scheduled revocation."
  type        = bool
  default     = true
}

variable "revocation_message" {
  description = "Why the stable version is revoked; recorded on the version and shown to everyone who reads it."
  type        = string
  default     = "CVE in the base image: rebuild from the patched base and promote the new version"
}

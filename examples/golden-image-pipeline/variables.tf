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
  description = "Revoke the version on the stable channel (a CVE landed). Set back to false to restore it."
  type        = bool
  default     = false
}

variable "revoke_stable_in" {
  description = "Delay before the revocation takes effect, as a duration such as \"0s\" (immediately) or \"720h\"."
  type        = string
  default     = "0s"
}

variable "revocation_message" {
  description = "Why the stable version is revoked; recorded on the version and shown to everyone who reads it."
  type        = string
  default     = "CVE found in the base image: rebuild and promote a fixed version"
}

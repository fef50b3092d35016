# Revoke a version now; destroying the resource restores it.
resource "hcppacker_version_revocation" "cve" {
  bucket_name         = "web-server"
  version_fingerprint = "01HZX8G6V6M7J3W8Y4QK2R5T9A"
  message             = "CVE-2024-6387 (regreSSHion): rebuild from the patched base"
}

# Schedule a revocation for a fixed time ...
resource "hcppacker_version_revocation" "end_of_life" {
  bucket_name         = "web-server"
  version_fingerprint = "01HZX2ZB1D0Q6S8N7C3M5K4E2F"
  revoke_at           = "2030-01-01T00:00:00Z"
  message             = "Ubuntu 20.04 reaches end of standard support"
}

# ... or a duration after the apply, keeping channels that point at the
# version where they are, and leaving versions built from it alone.
resource "hcppacker_version_revocation" "grace_period" {
  bucket_name                 = "web-server"
  version_fingerprint         = "01HZWZ8K3N5P7R9T1V3X5Z7B9D"
  revoke_in                   = "30d"
  message                     = "Superseded by the hardened build"
  skip_descendants_revocation = true
  disable_rollback_channels   = true
}

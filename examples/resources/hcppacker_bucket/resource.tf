resource "hcppacker_bucket" "web" {
  name        = "web-server"
  description = "Hardened Ubuntu image for the web tier"
  labels = {
    team = "platform"
    os   = "ubuntu"
  }

  # Refuse to destroy the bucket while it still holds versions (the default).
  force_destroy = false
}

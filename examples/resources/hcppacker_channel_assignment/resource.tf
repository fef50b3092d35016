resource "hcppacker_channel" "stable" {
  bucket_name = "web-server"
  name        = "stable"
}

# Point "stable" at a version Packer published. The plan fails if the
# version is missing, incomplete or revoked.
resource "hcppacker_channel_assignment" "stable" {
  bucket_name         = hcppacker_channel.stable.bucket_name
  channel_name        = hcppacker_channel.stable.name
  version_fingerprint = "01HZX8G6V6M7J3W8Y4QK2R5T9A"
}

resource "hcppacker_channel" "canary" {
  bucket_name = "web-server"
  name        = "canary"
}

# "none" keeps a channel unassigned, and reverts assignments made elsewhere.
resource "hcppacker_channel_assignment" "canary" {
  bucket_name         = hcppacker_channel.canary.bucket_name
  channel_name        = hcppacker_channel.canary.name
  version_fingerprint = "none"
}

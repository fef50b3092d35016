data "hcppacker_channel" "production" {
  bucket_name = "hardened-ubuntu"
  name        = "production"
}

# The channel's assignments, newest first; unassignments have null versions.
output "production_history" {
  value = [
    for h in data.hcppacker_channel.production.history :
    "${h.assigned_at}: ${coalesce(h.version_name, "unassigned")}"
  ]
}

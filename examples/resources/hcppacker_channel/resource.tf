resource "hcppacker_channel" "stable" {
  bucket_name = "web-server"
  name        = "stable"
  restricted  = true
}

# The managed "latest" channel is adopted, not created: only restricted is
# managed, and destroying the resource only forgets it.
resource "hcppacker_channel" "latest" {
  bucket_name = "web-server"
  name        = "latest"
  restricted  = false
}

# Every bucket of the provider's project.
data "hcppacker_bucket_names" "all" {}

output "bucket_names" {
  value = data.hcppacker_bucket_names.all.names
}

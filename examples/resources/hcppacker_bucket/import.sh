# A bucket in the provider's project, by name:
terraform import hcppacker_bucket.web web-server

# Or by its HCP resource name, as the official provider imports it:
terraform import hcppacker_bucket.web packer/project/4f1e6c52-5a1c-4a5f-9f6e-0c3b1d2a7e88/bucket/web-server

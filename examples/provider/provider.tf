# Credentials usually come from the environment (HCP_CLIENT_ID and
# HCP_CLIENT_SECRET); everything here is optional.
provider "hcppacker" {
  # Default project of every resource and data source that sets none.
  project_id = var.hcp_project_id
}

variable "hcp_project_id" {
  type        = string
  description = "The HCP project that holds the Packer buckets."
}

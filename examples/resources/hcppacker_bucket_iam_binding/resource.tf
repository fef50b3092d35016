# The id of the service principal the Terraform pipeline runs as, for
# example hcp_service_principal.terraform.resource_id.
variable "terraform_principal_id" {
  type = string
}

# The Terraform pipeline may read the golden images of one bucket only.
resource "hcppacker_bucket_iam_binding" "terraform_reads_web_server" {
  bucket_name  = "web-server"
  role         = "roles/viewer"
  principal_id = var.terraform_principal_id
}

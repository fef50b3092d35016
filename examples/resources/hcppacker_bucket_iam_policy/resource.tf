variable "packer_principal_id" {
  type = string
}

variable "terraform_principal_id" {
  type = string
}

# The bucket's whole policy: Packer publishes to it, Terraform reads it, and
# any other binding on the bucket is removed on apply.
resource "hcppacker_bucket_iam_policy" "web_server" {
  bucket_name = "web-server"
  policy_data = jsonencode({
    bindings = [
      { role_id = "roles/contributor", members = [{ member_id = var.packer_principal_id, member_type = "SERVICE_PRINCIPAL" }] },
      { role_id = "roles/viewer", members = [{ member_id = var.terraform_principal_id, member_type = "SERVICE_PRINCIPAL" }] },
    ]
  })
}

variable "packer_principal_id" {
  type = string
}

variable "terraform_principal_id" {
  type = string
}

# Who may do what on a bucket, with each principal's member type looked up.
data "hcppacker_iam_policy" "web_server" {
  bindings = [
    { role = "roles/contributor", principals = [var.packer_principal_id] },
    { role = "roles/viewer", principals = [var.terraform_principal_id] },
  ]
}

# For hcppacker_bucket_iam_policy's policy_data:
output "web_server_policy" {
  value = data.hcppacker_iam_policy.web_server.policy_data
}

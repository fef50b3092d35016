# {bucket_name}:{role}:{principal_id}, in the provider's default project:
terraform import hcppacker_bucket_iam_binding.terraform_reads_web_server web-server:roles/viewer:terraform-1a2b3c4d

# {project_id}:{bucket_name}:{role}:{principal_id}, in another project:
terraform import hcppacker_bucket_iam_binding.terraform_reads_web_server 4f1e6c52-5a1c-4a5f-9f6e-0c3b1d2a7e88:web-server:roles/viewer:terraform-1a2b3c4d

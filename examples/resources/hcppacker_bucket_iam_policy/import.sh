# The bucket's name, {project_id}:{bucket_name}, or its HCP resource name as
# the official hcp_packer_bucket_iam_policy imports it:
terraform import hcppacker_bucket_iam_policy.web_server web-server
terraform import hcppacker_bucket_iam_policy.web_server packer/project/4f1e6c52-5a1c-4a5f-9f6e-0c3b1d2a7e88/bucket/web-server

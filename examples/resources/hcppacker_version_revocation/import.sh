# {bucket_name}:{version_fingerprint}, in the provider's project:
terraform import hcppacker_version_revocation.cve web-server:01HZX8G6V6M7J3W8Y4QK2R5T9A

# {project_id}:{bucket_name}:{version_fingerprint}:
terraform import hcppacker_version_revocation.cve 4f1e6c52-5a1c-4a5f-9f6e-0c3b1d2a7e88:web-server:01HZX8G6V6M7J3W8Y4QK2R5T9A

# {bucket_name}:{channel_name}, in the provider's project:
terraform import hcppacker_channel.stable web-server:stable

# {project_id}:{bucket_name}:{channel_name}:
terraform import hcppacker_channel.stable 4f1e6c52-5a1c-4a5f-9f6e-0c3b1d2a7e88:web-server:stable

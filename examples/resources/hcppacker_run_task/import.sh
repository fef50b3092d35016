# The id of the run task's HCP project:
terraform import hcppacker_run_task.packer 4f1e6c52-5a1c-4a5f-9f6e-0c3b1d2a7e88

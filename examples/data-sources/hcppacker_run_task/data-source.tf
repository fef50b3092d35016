# Reading the HMAC key needs the contributor role.
data "hcppacker_run_task" "packer" {}

output "run_task_url" {
  value = data.hcppacker_run_task.packer.endpoint_url
}

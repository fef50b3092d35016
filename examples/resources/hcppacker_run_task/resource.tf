# The run task of the provider's project. Give its endpoint_url and hmac_key
# to HCP Terraform (for example with the tfe provider's tfe_organization_run_task).
resource "hcppacker_run_task" "packer" {
  # To regenerate the key, set this to true and apply: the key changes once,
  # and the next plan is empty. Set it back to false before the next rotation.
  regenerate_hmac = false
}

output "run_task_url" {
  value = hcppacker_run_task.packer.endpoint_url
}

# The arm64 AMI in eu-west-1 of the version on the "production" channel.
# labels selects builds that carry at least these labels; build_labels shows
# all labels of the build that was picked.
data "hcppacker_artifact" "ubuntu_arm" {
  bucket_name  = "hardened-ubuntu"
  channel_name = "production"
  platform     = "aws"
  region       = "eu-west-1"
  labels = {
    arch = "arm64"
  }
  reject_revoked = true
}

output "ubuntu_arm_ami" {
  value = data.hcppacker_artifact.ubuntu_arm.external_identifier
}

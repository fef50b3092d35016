# The AMI of the iteration on the "production" channel, in us-east-1 only.
data "hcppacker_image" "ubuntu" {
  bucket_name    = "hardened-ubuntu"
  channel        = "production"
  cloud_provider = "aws"
  region         = "us-east-1"

  # Needed only when the iteration has several aws builds in us-east-1.
  component_type = "amazon-ebs.ubuntu"
}

# Deploy it, but never a revoked image. A revocation scheduled for later
# still passes; once it takes effect the plan stops with this message.
resource "terraform_data" "web" {
  input = data.hcppacker_image.ubuntu.cloud_image_id

  lifecycle {
    precondition {
      condition     = !data.hcppacker_image.ubuntu.revoked
      error_message = "Image ${data.hcppacker_image.ubuntu.cloud_image_id} is revoked: ${coalesce(data.hcppacker_image.ubuntu.revocation_message, "no reason given")}."
    }
  }
}

module github.com/golden-image/terraform-provider-hcppacker

go 1.26.0

require google.golang.org/grpc v1.85.0

require golang.org/x/sys v0.49.0 // indirect

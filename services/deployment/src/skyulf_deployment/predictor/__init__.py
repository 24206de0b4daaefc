"""The prediction server: Open Inference Protocol v2 over REST and gRPC, one data plane."""

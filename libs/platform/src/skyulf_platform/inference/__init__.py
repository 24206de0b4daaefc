"""The Open Inference Protocol v2 codec: rows and frames <-> tensors, gRPC <-> REST JSON."""

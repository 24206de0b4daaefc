"""The ingestion service: uploads, canonical Parquet dataset versions and their profiles."""

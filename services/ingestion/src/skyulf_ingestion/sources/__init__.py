"""Where a dataset's data comes from besides an upload: a database, an HTTP API, an S3 object."""

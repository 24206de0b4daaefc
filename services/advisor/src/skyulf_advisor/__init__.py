"""The advisor service: rules over a dataset's profile that suggest preprocessing nodes."""

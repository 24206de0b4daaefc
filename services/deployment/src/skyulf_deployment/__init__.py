"""Deployments (which model version an endpoint serves) and the prediction server."""

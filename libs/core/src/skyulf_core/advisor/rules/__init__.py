"""One module per rule; :mod:`skyulf_core.advisor.registry` lists them in canvas order."""

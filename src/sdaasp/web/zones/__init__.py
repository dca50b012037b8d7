"""Needs sources, zones runs (deficit territories, priority zones) and their map."""

"""Diagnostic runs and their aggregated results (app label ``diagnostics``, kept from the first
layout so that existing databases migrate unchanged)."""

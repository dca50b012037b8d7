"""Django app « diagnostics »: accessibility diagnostic runs, their results and pages."""

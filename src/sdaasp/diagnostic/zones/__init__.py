"""Needs files, QPV contours and zones runs (app label ``zones``); :mod:`pipeline` loads the
inputs, calls the core and saves a run."""

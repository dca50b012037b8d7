"""Open-data downloads (``/donnees/``): the territory as GeoPackage, GeoJSON and CSV files,
written by the core export functions and cached in the data directory."""

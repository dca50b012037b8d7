"""The service offer saved in the database (app label ``offer``): types, baskets, import
batches and service points; :func:`services.import_services` is the one write path."""

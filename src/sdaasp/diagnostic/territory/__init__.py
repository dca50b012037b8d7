"""The territory saved in the database (app label ``territory``): départements, communes,
EPCI, SCoT and town halls; :func:`services.save_territory` and :func:`loading.held_territory`."""

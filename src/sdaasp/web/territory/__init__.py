"""Persisted territories: départements, SCoT territories, EPCI, communes and town halls."""

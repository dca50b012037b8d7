"""Django app "offer": the service-offer inventory (types, baskets, imports, service points)."""

"""Map explorer (``/carte/``): base layers, overlay layers from a registry, commune cards.

Other apps plug in without touching this one:

- :func:`sdaasp.web.explorer.layers.register_layer` adds an overlay (service points,
  a diagnostic choropleth, QPV, priority zones) from a GeoJSON URL name;
- :func:`sdaasp.web.explorer.cards.register_card_provider` fills a section of the commune card
  (times to services, needs, zones, actions), which shows "non disponible" until then.

Call both from your app's ``AppConfig.ready()``.
"""

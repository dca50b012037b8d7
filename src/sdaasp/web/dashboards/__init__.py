"""Dashboards (``/tableaux-de-bord/``): server-rendered SVG charts, each with its data table.

Other apps add charts with :func:`sdaasp.web.dashboards.charts.register_chart` from their
``AppConfig.ready()`` (for example population beyond thresholds by SCoT once diagnostics exist,
programme progress by orientation and status once the scheme exists).
"""

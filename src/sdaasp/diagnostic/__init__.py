"""Django apps that persist the core's inputs and results.

One app per domain, each with its models, migrations, admin and ``services.py`` (the one
write path that loads inputs, calls the pure core and saves): ``territory``, ``offer``,
``runs`` (diagnostic runs, app label ``diagnostics``) and ``zones``. They import nothing of
``sdaasp.web``: the web project reads them and draws their pages.
"""

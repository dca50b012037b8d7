"""The Django side of sdaasp: settings, URLs, views, templates, static files and the apps that
persist the core's results. It imports the core; the core never imports it."""

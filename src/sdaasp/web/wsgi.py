"""WSGI entry point (``sdaasp.web.wsgi:application``) for waitress-serve, gunicorn, uWSGI.

It prepares the data directory (logs, and the secret key file of the dev settings) before
Django starts. Production sets ``DJANGO_SETTINGS_MODULE=sdaasp.web.settings.production``; the
database must have been migrated first (``sdaasp migrate``).
"""

import os

from django.core.wsgi import get_wsgi_application

from sdaasp import datadir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdaasp.web.settings.dev")
datadir.prepare()
application = get_wsgi_application()

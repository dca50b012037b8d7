"""Django settings, one module per environment:

- :mod:`~sdaasp.web.settings.base`: everything common, read from the environment;
- :mod:`~sdaasp.web.settings.dev`: the embedded default (``make demo``, the ``sdaasp`` command);
- :mod:`~sdaasp.web.settings.test`: pytest;
- :mod:`~sdaasp.web.settings.production`: behind an HTTPS reverse proxy.

``sdaasp.web.settings`` itself is the dev default, so that older ``--settings`` values keep
working.
"""

from sdaasp.web.settings.dev import *  # noqa: F403

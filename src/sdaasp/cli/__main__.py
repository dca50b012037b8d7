"""``python -m sdaasp.cli``: the same as the ``sdaasp`` command."""

import sys

from sdaasp.cli import main

sys.exit(main())

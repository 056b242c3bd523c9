"""``python -m skgen``: the same as the ``skgen`` command."""

import sys

from .cli import main

sys.exit(main())

"""``python -m infra.plan``: see :mod:`infra.plan.runner`."""

import sys

from infra.plan.runner import main

sys.exit(main())

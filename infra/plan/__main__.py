"""``python -m infra.plan``: see :mod:`infra.plan.runner`."""

import os
import sys

from infra.plan.runner import main

code = main()
# Everything is written and flushed here. Tearing the interpreter down would spend about a
# second freeing the provider SDK's objects one by one and joining the runtime's threads.
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)

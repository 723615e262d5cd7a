"""numpy for a large index's arrays, imported with a single OpenBLAS thread.

The bot uses numpy to sort, count and gather arrays, never for linear algebra; yet importing
numpy loads OpenBLAS, which starts a thread per core at once: about 30 ms of CPU on a two-core
machine, at every first start that builds or searches a large index. numpy is imported here
with one such thread, unless the operator chose a number (OPENBLAS_NUM_THREADS) or numpy is
loaded already; the environment is left as it was.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_THREADS = "OPENBLAS_NUM_THREADS"


def numpy() -> Any:
    """Return the numpy module, imported the first time as said above."""
    module = sys.modules.get("numpy")
    if module is not None:
        return module
    chosen = _THREADS in os.environ
    if not chosen:
        os.environ[_THREADS] = "1"
    try:
        import numpy as module
    finally:
        if not chosen:
            os.environ.pop(_THREADS, None)
    return module

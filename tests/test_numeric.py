"""numpy is imported with one OpenBLAS thread, and the environment is left as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import os\n"
    "from bot.matching import numeric\n"
    "np = numeric.numpy()\n"
    "assert numeric.numpy() is np\n"
    "print(os.environ.get('OPENBLAS_NUM_THREADS'), len(os.listdir('/proc/self/task')))\n"
)


def _probe(**env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_numpy_starts_no_thread_of_its_own_and_leaves_the_environment_alone() -> None:
    assert _probe() == ["None", "1"]


def test_an_operators_own_thread_count_is_kept() -> None:
    assert _probe(OPENBLAS_NUM_THREADS="3")[0] == "3"

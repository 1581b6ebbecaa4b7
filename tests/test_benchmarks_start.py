"""Every benchmark script starts: a script that cannot even parse its arguments (a renamed
helper, a module that shadows the standard library) would only be noticed the day someone
needs its figures. Running one takes minutes and PostgreSQL, so this asks each for --help."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPTS = sorted(
    path.name
    for path in BENCH.glob("*.py")
    if "def main(" in path.read_text() or "__main__" in path.read_text()
)


def test_the_benchmarks_are_found():
    assert {"http_load.py", "ws.py", "pages.py", "search.py", "matching.py"} <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_benchmark_answers_help(script):
    result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, str(BENCH / script), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("usage:")

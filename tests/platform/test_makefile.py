"""The Makefile as an operator uses it (docs/deployment.md, Releasing a new version)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_alone_installs_the_locked_production_dependencies(tmp_path: Path) -> None:
    # A fresh checkout: no virtualenv yet. `make -n` prints what `make` would run.
    venv = tmp_path / "venv"
    result = subprocess.run(["make", "-n", "-C", str(ROOT), f"VENV={venv}"], capture_output=True, text=True, check=True)
    assert "pip install --quiet --require-hashes -r requirements/base.txt" in result.stdout

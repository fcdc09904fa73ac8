from __future__ import annotations

import sys
from pathlib import Path

import pytest

# tests/labeled.py is a helper module shared with benchmarks/evaluate.py.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where a widget test's answers are saved."""
    from warmline import answers

    return tmp_path / answers.FILE_NAME

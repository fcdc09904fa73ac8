from __future__ import annotations

import sys
from pathlib import Path

# tests/labeled.py is a helper module shared with benchmarks/evaluate.py.
sys.path.insert(0, str(Path(__file__).parent))

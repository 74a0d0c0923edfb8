"""Make the reference modules importable by their bare names (as a student's are)."""

import sys
from pathlib import Path

SOLUTIONS = str(Path(__file__).resolve().parents[2] / "solutions")
if SOLUTIONS not in sys.path:
    sys.path.insert(0, SOLUTIONS)

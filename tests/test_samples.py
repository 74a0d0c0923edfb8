"""The README's first command: the sample class grades into the table the README describes."""
from __future__ import annotations

import csv
import os
import subprocess
import sys

from tests.helpers import REPO


def test_sample_class_batch_and_export(tmp_path):
    db, table = tmp_path / "grades.db", tmp_path / "grades.csv"
    grader = [sys.executable, "-m", "grader"]
    batch = subprocess.run([*grader, "batch", os.path.join(REPO, "samples"), "--gradebook", str(db), "-q"],
                           capture_output=True, text=True, timeout=600, cwd=REPO)
    assert batch.returncode == 0, batch.stderr[-2000:]
    subprocess.run([*grader, "export", str(db), "--csv", str(table)], check=True, timeout=120, cwd=REPO)
    with open(table, newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert set(rows) == {"ada", "ben", "chen", "dana", "eve", "frank-answers.txt"}
    from grader.contract import MODULES
    from grader.integrations.nbgrader import exercise_points

    full = sum(exercise_points(MODULES).values())
    assert float(rows["ada"]["total"]) == full  # every exercise right: full marks, as the README says
    assert float(rows["eve"]["total"]) == 0 and float(rows["frank-answers.txt"]["total"]) == 0
    assert 0 < float(rows["ben"]["total"]) < full and float(rows["ben"]["transpose_effect"]) < 10
    assert float(rows["chen"]["cross_correlation"]) == 0 and float(rows["chen"]["derivative_kernels"]) == 10
    assert 0 < float(rows["dana"]["total"]) < full

"""Where courses already are: nbgrader, Gradescope, and the student release.

- ``grader nbgrader COURSE_DIR``: an nbgrader course whose autograde scores come
  from the sandboxed grader (``nbgrader.py``, ``course_notebook.py``,
  ``nbgrader_pipeline.py``; ``nbfeedback.py`` runs in the student's kernel).
- ``grader gradescope autograder.zip``: a Gradescope autograder (``gradescope.py``,
  ``wheel.py``).
- ``grader release OUT_DIR``: what students receive (``release.py``, ``hidden.py``).

Each command module defines ``add_parser(subparsers)``; none imports torch or
nbgrader until its command runs.
"""

"""Autograder for the d2l chapter "Convolutions for Images" (and "From Fully Connected Layers to Convolutions")."""

import os as _os

__version__ = "0.1.0"

# Hypothesis keeps caches in ./.hypothesis unless told otherwise: keep them out of the user's folder
# (no file system access here; hypothesis makes the folder when it first writes, and copes when it cannot).
if not _os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    _cache = _os.environ.get("GRADER_CACHE_DIR")  # the grader's cache folder (see grader/drawn.py)
    if not (_cache and _os.path.isabs(_cache)):
        _cache = _os.path.join(_os.environ.get("XDG_CACHE_HOME") or _os.path.join(_os.path.expanduser("~"), ".cache"),
                               "d2l-conv-grader")
    _os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = _os.path.join(_cache, "hypothesis")

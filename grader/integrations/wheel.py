"""A pure-Python wheel of the ``grader`` package, built without build tools or network.

Only ``grader/`` goes in (never ``solutions/``, ``tests/`` or ``exercises/``); the
metadata, console script and pytest plugin come from ``pyproject.toml``. The archive
is reproducible: fixed timestamps and sorted members.
"""
from __future__ import annotations

import base64
import hashlib
import os
import tomllib
import zipfile

EPOCH = (1980, 1, 1, 0, 0, 0)
SKIP_DIRS = {"__pycache__"}
SKIP_SUFFIXES = (".pyc", ".pyo")


def project(repo: str) -> dict:
    with open(os.path.join(repo, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)["project"]


def package_files(root: str, package: str = "grader") -> list[tuple[str, str]]:
    """(path on disk, path in the wheel) for every file of the package, sorted."""
    out = []
    base = os.path.join(root, package)
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            if not name.endswith(SKIP_SUFFIXES):
                full = os.path.join(folder, name)
                out.append((full, os.path.relpath(full, root).replace(os.sep, "/")))
    return out


def _metadata(meta: dict) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {meta['name']}", f"Version: {meta['version']}"]
    if meta.get("description"):
        lines.append(f"Summary: {meta['description']}")
    if meta.get("requires-python"):
        lines.append(f"Requires-Python: {meta['requires-python']}")
    lines += [f"Requires-Dist: {dep}" for dep in meta.get("dependencies", [])]
    for extra, deps in meta.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {dep}; extra == "{extra}"' for dep in deps]
    return "\n".join(lines) + "\n"


def _entry_points(meta: dict) -> str:
    groups = {"console_scripts": meta.get("scripts", {}), **meta.get("entry-points", {})}
    out = []
    for group, entries in groups.items():
        if entries:
            out.append(f"[{group}]")
            out += [f"{name} = {target}" for name, target in entries.items()]
            out.append("")
    return "\n".join(out)


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(repo: str, out_dir: str, files: list[tuple[str, str]] | None = None) -> str:
    """Write ``<name>-<version>-py3-none-any.whl`` into ``out_dir``; returns its path.

    ``files`` defaults to the whole ``grader`` package of ``repo``.
    """
    meta = project(repo)
    dist = meta["name"].replace("-", "_")
    info = f"{dist}-{meta['version']}.dist-info"
    members: list[tuple[str, bytes]] = []
    for disk, arc in files if files is not None else package_files(repo):
        with open(disk, "rb") as f:
            members.append((arc, f.read()))
    members += [
        (f"{info}/METADATA", _metadata(meta).encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: grader.integrations.wheel\n"
                          b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
        (f"{info}/entry_points.txt", _entry_points(meta).encode()),
    ]
    record = "".join(f"{arc},{_digest(data)},{len(data)}\n" for arc, data in members) + f"{info}/RECORD,,\n"
    members.append((f"{info}/RECORD", record.encode()))
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{dist}-{meta['version']}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as whl:
        for arc, data in members:
            entry = zipfile.ZipInfo(arc, EPOCH)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            whl.writestr(entry, data)
    return path

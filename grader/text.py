"""Make text from a submission safe for the grader's own outputs.

Everything a submission supplies is hostile, not only its code: file and folder
names (bytes that are not UTF-8, control characters), exception messages and
printed output (lone surrogates such as ``"caf\\udce9"``, terminal escape
sequences that repaint the instructor's screen), and cells of a CSV that a
spreadsheet would run as a formula. The helpers here are applied where such text
enters the trusted side (student ids, worker replies turned into results and
notes, notebook cells quoted in notes) and again where it leaves (results.json,
the gradebook, the terminal, feedback files, the CSV), so that one forgotten
path cannot crash a batch or paint a fake score.

- ``clean(text)``: any str/bytes/object -> a str that encodes as UTF-8, with
  control characters (C0 except newline and tab, DEL, C1, bidirectional
  overrides) shown as visible escapes such as ``\\x1b``; optionally one line and
  a length cap.
- ``name(raw)``: a file or folder name (str from ``os.listdir``, possibly with
  surrogate escapes, or bytes) -> one clean line.
- ``deep_clean(data)``: the same for every string (and key) in JSON-like data.
- ``csv_cell(text)``: a CSV cell that no spreadsheet runs as a formula.
- ``file_stem(text)``: a short, safe file name stem (a hash suffix when shortened).
"""
from __future__ import annotations

import hashlib
import os
import re

# C0 controls except \t and \n, DEL, C1 controls, and the bidirectional formatting characters
# (a name such as "alice\u202eexe.py" displays reversed: "Trojan source").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_STEM_BYTES = 100  # well under the 255 bytes of a file name, with room for ".json", ".tmp-..."


def _escape(match: re.Match) -> str:
    ch = match.group()
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _to_str(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - an object whose __str__ fails still becomes text
        return f"<{type(value).__name__}>"


def unsurrogate(text: str) -> str:
    """Lone surrogates (from ``surrogateescape`` or a hostile ``"\\udce9"``) become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        # bytes smuggled in by surrogateescape (os.listdir of a Latin-1 name) decode as what they were
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            return _SURROGATE.sub("\ufffd", text)


def clip(text: str, limit: int | None) -> str:
    """At most ``limit`` characters, with a visible marker of how much was cut."""
    if limit is None or len(text) <= limit:
        return text
    marker = f" [... {len(text) - limit:,} more characters]"
    return text[: max(0, limit)] + marker


def clean(value, *, one_line: bool = False, limit: int | None = None) -> str:
    """Text safe for JSON, SQLite, pipes, the terminal and files (see the module docstring)."""
    text = unsurrogate(_to_str(value))
    if "\r" in text and not one_line:
        text = text.replace("\r\n", "\n")
    text = (_CONTROL_ONE_LINE if one_line else _CONTROL).sub(_escape, text)
    return clip(text, limit)


def name(raw, limit: int | None = 200) -> str:
    """A file or folder name as one clean line (undecodable bytes become U+FFFD)."""
    if isinstance(raw, (bytes, bytearray)):
        text = bytes(raw).decode("utf-8", "replace")
    else:
        try:
            text = os.fsencode(raw).decode("utf-8", "replace")
        except (UnicodeError, TypeError):
            text = _to_str(raw)
    return clean(text, one_line=True, limit=limit)


def is_clean(text: str) -> bool:
    return clean(text) == text


def deep_clean(data, *, limit: int | None = None, _depth: int = 0):
    """Every string in JSON-like ``data`` (dict keys too) cleaned; other leaves kept; bounded depth."""
    if isinstance(data, str):
        return clean(data, limit=limit)
    if _depth > 50:
        return "<nested too deeply>"
    if isinstance(data, dict):
        return {clean(k, one_line=True, limit=200) if isinstance(k, str) else k:
                deep_clean(v, limit=limit, _depth=_depth + 1) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [deep_clean(v, limit=limit, _depth=_depth + 1) for v in data]
    return data


def csv_cell(value) -> str:
    """A cell that a spreadsheet shows as text: a leading = + - @ tab or CR gets an apostrophe.

    Numbers that the grader itself wrote (``-0.5`` never happens, but a negative number would)
    are left alone: only text that starts with one of those characters and is not a number.
    """
    text = clean(value, one_line=True)
    if text.startswith(FORMULA_START):
        try:
            float(text)
            return text
        except ValueError:
            return "'" + text
    return text


def file_stem(text: str, max_bytes: int = MAX_STEM_BYTES) -> str:
    """A file name stem for ``text``: no path separators or control characters, at most
    ``max_bytes`` UTF-8 bytes; a shortened or altered name gets a hash of the original,
    so two students never share a file."""
    raw = unsurrogate(_to_str(text))
    safe = clean(raw, one_line=True).replace("\\", "_").replace("/", "_").replace("\0", "_")
    if safe in ("", ".", ".."):
        safe = "_" + safe
    if safe == raw and len(safe.encode("utf-8")) <= max_bytes:
        return safe
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    budget = max_bytes - len(digest) - 1
    cut = safe.encode("utf-8")[:budget].decode("utf-8", "ignore")
    return f"{cut}-{digest}"


MAX_NOTES = 30         # notes shown for one submission
MAX_NOTE_CHARS = 500   # characters of one note
MAX_TEXT = 20_000      # characters of any one string in results.json (a check's feedback, the header)


def cap_notes(notes, limit: int = MAX_NOTES, each: int = MAX_NOTE_CHARS) -> list[str]:
    """At most ``limit`` notes, each clean and at most ``each`` characters, then "(N more notes)"."""
    notes = list(notes)
    kept = [clean(n, limit=each) for n in notes[:limit]]
    if len(notes) > limit:
        kept.append(f"({len(notes) - limit} more notes not shown)")
    return kept

"""Pictures of a failing image check: the inputs, the expected and the student's result, their difference.

matplotlib is imported here only, and only when a report asks for a picture; without it,
reports simply have no pictures. The Agg canvas is used directly (no pyplot, no global backend).
"""
from __future__ import annotations

import io

import torch

from grader.feedback.view import fmt_value

CELL = 0.42      # inches per matrix cell when values are written in the cells
PANEL = 3.2      # largest side of one panel, inches
ANNOTATE = 16    # write values in cells up to this many rows and columns
GAP, TOP, BOTTOM, SIDE = 0.35, 0.5, 0.15, 0.25
MAX_WIDTH = 11.0  # inches; wider pictures put the inputs on a row of their own
DPI = 100
CHAR = 0.075      # inches per character of a panel title
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


_CJK_CHOICE: list = []  # the font chosen in this process (or None), once


def system_cjk_files() -> list[str]:
    """Font files that can write Chinese, as fontconfig lists them (none without fontconfig)."""
    import shutil
    import subprocess

    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


def _pick(manager) -> str | None:
    names = {f.name for f in manager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def cjk_font() -> str | None:
    """The font for Chinese panel titles: the first of ``CJK_FONTS`` (the Noto CJK family first) that
    matplotlib knows. When the system has Chinese fonts that matplotlib's font cache does not list
    (they were installed after the cache was built), the cache is rebuilt once; with no Chinese font
    at all, None, and the pictures' titles stay in English (``labels``)."""
    if _CJK_CHOICE:
        return _CJK_CHOICE[0]
    from matplotlib import font_manager

    name = _pick(font_manager.fontManager)
    if name is None:
        known = {f.fname for f in font_manager.fontManager.ttflist}
        missing = [f for f in system_cjk_files() if f not in known]
        if missing:  # a stale cache: rebuild it (and save it for the next process)
            rebuild = getattr(font_manager, "_load_fontmanager", None)
            try:
                font_manager.fontManager = rebuild(try_read_cache=False) if rebuild else font_manager.fontManager
            except Exception:  # noqa: BLE001 - a private helper of matplotlib; add the files instead
                pass
            name = _pick(font_manager.fontManager)
            if name is None:
                for path in missing:
                    try:
                        font_manager.fontManager.addfont(path)
                    except Exception:  # noqa: BLE001 - a font matplotlib cannot read
                        continue
                name = _pick(font_manager.fontManager)
    _CJK_CHOICE.append(name)
    return name


def labels(lang: str) -> dict:
    """Panel titles; English when Chinese is asked for but no font here can write it."""
    from grader.feedback import i18n

    if lang == "zh" and cjk_font() is None:
        lang = "en"
    return dict(i18n.ui(lang)["fig"])


def _panels(data: dict, labels: dict) -> list[tuple[str, torch.Tensor, str]]:
    panels = [(name, t, "input") for name, t in data["inputs"].items()]
    if data["expected"] is not None:
        panels.append((labels["expected"], data["expected"], "result"))
    if data["got"] is not None:
        panels.append((labels["got"], data["got"], "result"))
    mask = data.get("mask")
    if mask is not None:
        diff = torch.where(mask, data["got"] - data["expected"], torch.zeros_like(data["got"]))
        panels.append((labels["difference"], diff, "diff"))
    return panels


def _longest(t: torch.Tensor) -> int:
    """Characters of the longest value written in a cell (0 when values are not written)."""
    if t.shape[0] > ANNOTATE or t.shape[1] > ANNOTATE:
        return 0
    return max(len(short(float(v))) for v in t.reshape(-1))


def _cell_size(t: torch.Tensor) -> float:
    rows, cols = t.shape
    return min(max(CELL, 0.085 * _longest(t)), PANEL / cols, PANEL / rows)


def _limits(t: torch.Tensor) -> tuple[float, float]:
    finite = t[torch.isfinite(t)]
    if finite.numel() == 0:
        return -1.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    return (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)


def short(v: float) -> str:
    """A value in at most about five characters, for a cell of the picture."""
    text = fmt_value(v)
    return text if len(text) <= 5 else f"{v:.3g}"


def _draw(ax, t, cmap, vmin, vmax, mask, annotate, only_mask=False):
    import numpy as np
    from matplotlib.patches import Rectangle

    values = t.numpy()
    image = np.ma.masked_invalid(values)
    cm = cmap.with_extremes(bad="#ff00ff")
    ax.imshow(image, cmap=cm, vmin=vmin, vmax=vmax, interpolation="nearest", aspect="equal")
    rows, cols = values.shape
    ax.set_xticks(range(cols) if cols <= ANNOTATE else [])
    ax.set_yticks(range(rows) if rows <= ANNOTATE else [])
    ax.tick_params(labelsize=7, length=0, pad=2)
    ax.xaxis.tick_top()
    for spine in ax.spines.values():
        spine.set_color("#888")
    if annotate:
        texts = [[short(float(v)) for v in row] for row in values]
        longest = max(len(x) for row in texts for x in row)
        size = max(5.0, min(9.0, 0.85 * _cell_size(t) * 72 / (0.62 * max(longest, 1))))
        for i in range(rows):
            for j in range(cols):
                v = values[i, j]
                if only_mask and not bool(mask[i, j]):
                    continue
                r, g, b, _ = cm((v - vmin) / (vmax - vmin)) if np.isfinite(v) else (1, 0, 1, 1)
                dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
                ax.text(j, i, texts[i][j], ha="center", va="center", fontsize=size,
                        color="white" if dark else "black")
    if mask is not None and annotate:
        for i, j in mask.nonzero().tolist():
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#e00000", linewidth=2))
    elif mask is not None and not only_mask:  # too many cells to outline one by one: outline the regions
        padded = np.pad(mask.numpy().astype(float), 1)
        ax.contour(np.arange(-1, cols + 1), np.arange(-1, rows + 1), padded, levels=[0.5],
                   colors="#e00000", linewidths=1.5)
        ax.set_xlim(-0.5, cols - 0.5)
        ax.set_ylim(rows - 0.5, -0.5)


def _layout(panels) -> tuple[float, float, list[tuple[float, float, float, float]]]:
    """Panel boxes in inches (x, y, w, h): one row, or inputs above results when one row is too wide."""
    sizes = [(t.shape[1] * _cell_size(t), t.shape[0] * _cell_size(t)) for _, t, _ in panels]
    slots = [max(w, CHAR * len(title)) for (title, _, _), (w, _) in zip(panels, sizes)]
    kinds = [kind for _, _, kind in panels]
    one_row = sum(slots) + GAP * (len(slots) - 1) <= MAX_WIDTH or "input" not in kinds
    rows = [list(range(len(panels)))] if one_row else \
        [[k for k, kind in enumerate(kinds) if kind == "input"], [k for k, kind in enumerate(kinds) if kind != "input"]]
    widths = [sum(slots[k] for k in row) + GAP * (len(row) - 1) for row in rows]
    heights = [max(sizes[k][1] for k in row) for row in rows]
    width = 2 * SIDE + max(widths)
    height = sum(TOP + h + BOTTOM for h in heights)
    boxes = [None] * len(panels)
    y = height
    for row, h in zip(rows, heights):
        y -= TOP + h
        x = SIDE
        for k in row:
            w, hk = sizes[k]
            boxes[k] = (x + (slots[k] - w) / 2, y + (h - hk) / 2, w, hk)
            x += slots[k] + GAP
        y -= BOTTOM
    return width, height, boxes


def picture(data: dict, labels: dict) -> bytes | None:
    """A PNG: one panel per input, then expected, got and got - expected, side by side."""
    if not available():
        return None
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = [(f"{label}  ({'×'.join(map(str, t.shape))})", t, kind) for label, t, kind in _panels(data, labels)]
    if not panels:
        return None
    width, height, boxes = _layout(panels)
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    font = cjk_font()
    results = [t for _, t, kind in panels if kind == "result"]
    lo = min(_limits(t)[0] for t in results) if results else 0.0
    hi = max(_limits(t)[1] for t in results) if results else 1.0
    for (label, t, kind), (x, y, w, h) in zip(panels, boxes):
        ax = fig.add_axes((x / width, y / height, w / width, h / height))
        annotate = t.shape[0] <= ANNOTATE and t.shape[1] <= ANNOTATE
        if kind == "input":
            vmin, vmax = _limits(t)
            _draw(ax, t, colormaps["gray"], vmin, vmax, None, annotate)
        elif kind == "result":
            mask = data.get("mask") if t is data["got"] else None
            _draw(ax, t, colormaps["viridis"], lo, hi, mask, annotate)
        else:
            finite = t[torch.isfinite(t)]
            m = float(finite.abs().max()) if finite.numel() else 1.0
            _draw(ax, t, colormaps["RdBu_r"], -(m or 1.0), m or 1.0, data.get("mask"), annotate, only_mask=True)
        ax.set_title(label, fontsize=9, pad=14 if annotate else 4,
                     fontfamily=font if font else None)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()

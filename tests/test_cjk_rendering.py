"""Chinese reports show Chinese, not boxes: in headless Chromium (the HTML report) and in matplotlib
(the pictures). A missing glyph is drawn as the same empty box whatever the character, so the test
draws distinct characters one per cell and requires every cell to look different.

Chromium and fonts-noto-cjk are installed by setup.sh (apt, as root); without Chromium the browser
test is skipped and says why.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest
import torch

from grader.feedback import figures, html
from grader.runner import Report, Result

CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)
CELL = 48
COLUMNS = 10


def zh_report_characters(limit: int = 40) -> str:
    """Distinct CJK characters of a real zh report page (titles, interface words, translated hints)."""
    r = Result("cross_correlation", "test_book_examples", "t", 0.0, 1.0, "failed",
               "`corr2d(X, K)` raised NotImplementedError: not implemented yet.")
    page = html.render(Report(submission="s", results=[r]), "zh")
    chars = []
    for c in page:
        if "\u4e00" <= c <= "\u9fff" and c not in chars:
            chars.append(c)
    assert len(chars) >= 20
    return "".join(chars[:limit])


def cells_of(png_path, n: int) -> list[str]:
    from matplotlib import image

    pixels = image.imread(str(png_path))
    out = []
    for k in range(n):
        r, c = divmod(k, COLUMNS)
        crop = pixels[r * CELL:(r + 1) * CELL, c * CELL:(c + 1) * CELL, :3]
        assert crop.shape[:2] == (CELL, CELL)
        assert crop.min() < 0.5, f"cell {k} is blank"  # something was drawn
        out.append(hashlib.sha256((crop * 255).round().astype("uint8").tobytes()).hexdigest())
    return out


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (./setup.sh installs it with apt when root)")
def test_the_zh_html_report_fonts_draw_every_character_in_chromium(tmp_path):
    chars = zh_report_characters()
    spans = "".join(f"<span>{c}</span>" for c in chars)
    page = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{html.CSS}'
            f"body{{margin:0;background:#fff}} main{{padding:0;margin:0;max-width:none}}"
            f".g{{display:grid;grid-template-columns:repeat({COLUMNS},{CELL}px);grid-auto-rows:{CELL}px;"
            f"font-size:30px;line-height:{CELL}px;text-align:center;color:#000}}</style></head>"
            f'<body><div class="g">{spans}</div></body></html>')
    source = tmp_path / "glyphs.html"
    source.write_text(page, encoding="utf-8")
    png = tmp_path / "glyphs.png"
    rows = -(-len(chars) // COLUMNS)
    proc = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--force-device-scale-factor=1", f"--screenshot={png}",
                           f"--window-size={COLUMNS * CELL},{rows * CELL + 40}", source.as_uri()],
                          capture_output=True, text=True, timeout=180)
    assert png.exists(), proc.stderr[-2000:]
    cells = cells_of(png, len(chars))
    same = len(cells) - len(set(cells))
    assert same == 0, f"{same} characters drawn identically (boxes?) among {chars}"


def test_zh_picture_titles_are_drawn_in_a_chinese_font():
    if figures.system_cjk_files():
        assert figures.cjk_font() is not None  # fonts on the system are found, the cache refreshed if stale
    if figures.cjk_font() is None:
        assert figures.labels("zh") == figures.labels("en")  # the clear fallback: English titles, no boxes
        pytest.skip("no Chinese font on this machine: pictures keep English titles")
    t = torch.arange(4.0).reshape(2, 2)
    data = {"inputs": {}, "expected": t, "got": t + 1, "mask": torch.ones(2, 2, dtype=torch.bool)}
    one = figures.picture(data, {"expected": "期望结果", "got": "你的结果", "difference": "差值"})
    two = figures.picture(data, {"expected": "果结望期", "got": "果结的你", "difference": "值差"})
    assert one != two  # boxes would make both pictures identical


def test_a_stale_font_cache_is_rebuilt(monkeypatch):
    """Fonts installed after matplotlib built its cache: the cache is rebuilt and the font found."""
    from matplotlib import font_manager

    files = figures.system_cjk_files()
    if not files:
        pytest.skip("no Chinese font on this machine")
    real = font_manager.fontManager
    stale = font_manager.FontManager.__new__(font_manager.FontManager)
    stale.__dict__.update(real.__dict__)
    stale.ttflist = [f for f in real.ttflist if f.fname not in files]
    calls = []

    def rebuild(try_read_cache=True):
        calls.append(try_read_cache)
        return real

    monkeypatch.setattr(font_manager, "fontManager", stale)
    monkeypatch.setattr(font_manager, "_load_fontmanager", rebuild, raising=False)
    monkeypatch.setattr(figures, "_CJK_CHOICE", [])
    assert figures.cjk_font() in figures.CJK_FONTS
    assert calls == [False]


def test_without_a_chinese_font_the_zh_report_says_why_pictures_are_in_english(monkeypatch):
    if not figures.available():
        pytest.skip("matplotlib is not installed")
    monkeypatch.setattr(figures, "_CJK_CHOICE", [None])
    t = torch.arange(4.0).reshape(2, 2)
    r = Result("cross_correlation", "test_book_examples", "t", 0.0, 1.0, "failed", "wrong")
    r.data = {"call": "corr2d(X, K)", "expected": t, "got": t + 1, "inputs": {}}
    zh = html.render(Report(submission="s", results=[r]), "zh")
    assert "fonts-noto-cjk" in zh
    assert figures.labels("zh") == figures.labels("en")
    assert "fonts-noto-cjk" not in html.render(Report(submission="s", results=[r]), "en")

"""Text the grader cannot print as it is: a lone surrogate, terminal escapes, a fake score.

At import it prints an escape sequence that clears the screen, sets the window title and
writes a fake total; corr2d raises an exception whose message holds a lone surrogate
(which no UTF-8 file, pipe or SQLite row can hold) and an OSC 8 hyperlink.
"""
import sys

sys.stdout.write("\x1b[2J\x1b[H\x1b]0;grades\x07Total: 102 / 102\r\n\x9b31m")


def corr2d(X, K):
    raise ValueError("caf\udce9 \x1b]8;;http://example.invalid\x07click\x1b]8;;\x07 \x1b[1A")

"""Seeds for the worker, derived one way from the instructor's seed.

The instructor's seed never reaches the worker: student code there could read it
(``torch.initial_seed()``, numpy's state, the request it was sent in) and print it
into its feedback. What the worker gets instead are per-request seeds derived
through a deliberately slow key derivation (PBKDF2, once per process and seed)
and HMAC: seeds are small numbers, so a fast hash could be inverted by trying
them all; with the slow step, guessing even a few thousand candidates costs more
CPU time than a child is allowed.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import threading

SALT = b"d2l-conv-grader/seed/v1"
ROUNDS = 500_000


_LOCK = threading.Lock()


@functools.lru_cache(maxsize=16)
def _slow(seed: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", str(int(seed)).encode(), SALT, ROUNDS)


def _master(seed: int) -> bytes:
    with _LOCK:  # one computation per seed, also when prepare() is still at it
        return _slow(seed)


def prepare(seed: int) -> None:
    """Start the slow step in the background (it releases the GIL): a cold start imports torch meanwhile."""
    threading.Thread(target=_master, args=(seed,), daemon=True).start()


def derive(seed: int, *parts) -> int:
    """A 31-bit seed for ``parts`` (a check, a request), not invertible to ``seed`` in practice."""
    message = ":".join(str(p) for p in parts).encode()
    digest = hmac.new(_master(seed), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def seed_id(seed: int) -> str:
    """A short public name of a seed, for reports: equal seeds, equal names; the seed stays secret."""
    return hmac.new(_master(seed), b"id", hashlib.sha256).hexdigest()[:10]


def scrub(text: str, seed: int, public: int) -> str:
    """Remove the seed's digits from text that came from a submission (defence in depth)."""
    digits = str(int(seed))
    if seed == public or len(digits) < 4 or digits not in text:
        return text
    return text.replace(digits, "<seed>")


def mix(value: int, *parts) -> int:
    """A cheap 31-bit seed from an already derived one (recovering ``value`` reveals nothing more)."""
    digest = hashlib.sha256(":".join(str(p) for p in (value, *parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def label(seed: int) -> str:
    """How reports name a seed: the public default by its value, an instructor's by its id only."""
    from grader.contract import DEFAULT_SEED

    return str(seed) if seed == DEFAULT_SEED else f"id {seed_id(seed)}"

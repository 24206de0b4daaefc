"""String similarity scores (0-100) for FeatureGeneration's ``similarity`` operation.

The scores follow rapidfuzz 3 (``fuzz.ratio``, ``fuzz.token_sort_ratio``,
``fuzz.token_set_ratio`` with its default ``processor=None``), without the dependency:

- ``ratio`` is the normalised Indel similarity ``200 * LCS(a, b) / (len(a) + len(b))``, the
  longest common subsequence counted with the bit-parallel algorithm of Allison and Dix.
  fuzzywuzzy with python-Levenshtein gives the same value rounded to an integer; fuzzywuzzy
  without it uses ``difflib.SequenceMatcher``, whose Ratcliff/Obershelp matching can score lower.
- ``token_sort_ratio`` is ``ratio`` of the whitespace-split tokens sorted and re-joined.
- ``token_set_ratio`` compares the sorted common tokens with each side's remainder and keeps
  the best of the three ratios (100 when one token set contains the other).

Comparison is case-sensitive and punctuation counts, as in rapidfuzz without a processor; two
empty strings score 100, and ``token_set_ratio`` scores 0 when either side has no token.
"""

from __future__ import annotations

from collections.abc import Callable


def _lcs_length(a: str, b: str) -> int:
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(a)) - 1
    row = full
    for ch in b:
        match = row & masks.get(ch, 0)
        row = ((row + match) | (row - match)) & full
    return len(a) - row.bit_count()


def ratio(a: str, b: str) -> float:
    total = len(a) + len(b)
    if total == 0:
        return 100.0
    return 200.0 * _lcs_length(a, b) / total


def token_sort_ratio(a: str, b: str) -> float:
    return ratio(" ".join(sorted(a.split())), " ".join(sorted(b.split())))


def token_set_ratio(a: str, b: str) -> float:
    tokens_a, tokens_b = set(a.split()), set(b.split())
    if not tokens_a or not tokens_b:
        return 0.0
    common = " ".join(sorted(tokens_a & tokens_b))
    with_a = f"{common} {' '.join(sorted(tokens_a - tokens_b))}".strip()
    with_b = f"{common} {' '.join(sorted(tokens_b - tokens_a))}".strip()
    if common and (with_a == common or with_b == common):
        return 100.0
    scores = [ratio(with_a, with_b)]
    if common:
        scores += [ratio(common, with_a), ratio(common, with_b)]
    return max(scores)


SCORERS: dict[str, Callable[[str, str], float]] = {
    "ratio": ratio,
    "token_sort_ratio": token_sort_ratio,
    "token_set_ratio": token_set_ratio,
}

"""Table column widths: the document's relative widths, but never narrower than a word.

A Sources annex with a narrow Date column would otherwise break "November" into
"Nove mber". Each column gets at least the width of its longest word (capped, so that a
300-character URL still wraps), the rest is shared in the document's proportions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

LONG_WORD = 18
MAX_SHARE = 0.35  # no column claims more than this share of the width for one word


def fit_widths(weights: Sequence[float], minimums: Sequence[float], total: float) -> list[float]:
    """Widths summing to ``total``, proportional to ``weights`` but at least ``minimums``."""
    n = len(weights)
    if n == 0:
        return []
    weights = [w if w > 0 else 1.0 for w in weights]
    mins = [min(m, total * MAX_SHARE) for m in minimums]
    if sum(mins) >= total:
        scale = total / sum(mins)
        return [m * scale for m in mins]
    fixed: dict[int, float] = {}
    while True:
        remaining = total - sum(fixed.values())
        free = [i for i in range(n) if i not in fixed]
        weight_sum = sum(weights[i] for i in free)
        grown = [i for i in free if remaining * weights[i] / weight_sum < mins[i]]
        if not grown:
            break
        for i in grown:
            fixed[i] = mins[i]
    remaining = total - sum(fixed.values())
    weight_sum = sum(weights[i] for i in range(n) if i not in fixed) or 1.0
    return [fixed.get(i, remaining * weights[i] / weight_sum) for i in range(n)]


def widest_word(texts: Sequence[str], measure: Callable[[str], float]) -> float:
    """The width of the widest word; words past 18 characters (URLs, domains) must wrap
    anyway, so only their first 12 characters count."""
    widest = 0.0
    for text in texts:
        for word in text.split():
            if len(word) > LONG_WORD:
                word = word[:12]
            widest = max(widest, measure(word))
    return widest

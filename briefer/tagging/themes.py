"""Tagging passages with themes: cue matches, weighed and explained.

A theme is set on a passage when the *distinct* cues of that theme found in it add up
to the taxonomy's threshold (a strong cue is 1.0, a weak one 0.5). A match that a
negative cue of the same theme overlaps ("returns of foreign terrorist fighters" for returns and
readmission) does not count, and a match inside a longer match of the same theme counts
once. Every theme returned carries the matches as evidence: the text, its offsets in the
passage and the cue that matched, so an analyst can see why it was set.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefer.tagging.cues import Alternative, CueMatcher, Hit, parse_cue
from briefer.tagging.model import Evidence, ThemeMatch
from briefer.tagging.taxonomy import Taxonomy, load_taxonomy

MAX_EVIDENCE_PER_CUE = 3


@dataclass(frozen=True)
class _Cue:
    theme: int  # index into ThemeTagger._theme_ids
    weight: float
    negative: bool
    alternatives: tuple[Alternative, ...]


class ThemeTagger:
    """Compiled cues of a whole taxonomy; build once, call ``tag`` for each passage."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.threshold = taxonomy.threshold
        self._theme_ids = [t.id for t in taxonomy.themes]
        cues = [
            _Cue(theme_index, cue.weight, cue.negative, parse_cue(cue.text))
            for theme_index, theme in enumerate(taxonomy.themes)
            for cue in theme.cues
        ]
        self._matcher = CueMatcher([cue.alternatives for cue in cues])
        # Per cue, as plain lists: ``tag`` reads them for every match of every passage.
        self._cue_theme = [cue.theme for cue in cues]
        self._cue_weight = [cue.weight for cue in cues]
        self._cue_negative = [cue.negative for cue in cues]
        # Each evidence's rule text, by cue and alternative: formatted once, not per match.
        self._rules = [
            [f'cue "{alt.source}" (weight {cue.weight:g})' for alt in cue.alternatives]
            for cue in cues
        ]

    def tag(self, text: str) -> list[ThemeMatch]:
        """The themes of a passage, best first, each with its score and evidence."""
        if not text:
            return []
        hits = self._matcher.find(text)
        if not hits:
            return []
        theme_of, weight, negative = self._cue_theme, self._cue_weight, self._cue_negative
        positives_by: dict[int, list[Hit]] = {}
        negatives_by: dict[int, list[Hit]] = {}
        for hit in hits:
            grouped = negatives_by if negative[hit.cue] else positives_by
            found = grouped.get(theme_of[hit.cue])
            if found is None:
                grouped[theme_of[hit.cue]] = [hit]
            else:
                found.append(hit)
        matches = []
        threshold = self.threshold - 1e-9
        for theme_index, positives in positives_by.items():
            negatives = negatives_by.get(theme_index, [])
            if len(positives) == 1:  # most themes of a passage: one match, no overlaps
                kept = _outside(positives, negatives)
                score = weight[positives[0].cue]
            else:
                if sum({hit.cue: weight[hit.cue] for hit in positives}.values()) < threshold:
                    continue  # cannot reach the threshold, whatever overlaps are removed
                kept = _outermost(_outside(positives, negatives))
                score = sum({hit.cue: weight[hit.cue] for hit in kept}.values())
            if not kept or score < threshold:
                continue
            matches.append(
                ThemeMatch(
                    theme_id=self._theme_ids[theme_index],
                    score=round(score, 2),
                    evidence=self._evidence(text, kept),
                )
            )
        matches.sort(key=lambda m: (-m.score, m.theme_id))
        return matches

    def _evidence(self, text: str, hits: list[Hit]) -> list[Evidence]:
        if len(hits) == 1:
            hit = hits[0]
            rule = self._rules[hit.cue][hit.alternative]
            return [Evidence(text[hit.start : hit.end], hit.start, hit.end, rule)]
        per_cue: dict[int, int] = {}
        evidence = []
        for hit in sorted(hits, key=lambda h: (h.start, h.end)):
            seen = per_cue.get(hit.cue, 0)
            if seen >= MAX_EVIDENCE_PER_CUE:
                continue
            per_cue[hit.cue] = seen + 1
            rule = self._rules[hit.cue][hit.alternative]
            evidence.append(Evidence(text[hit.start : hit.end], hit.start, hit.end, rule))
        return evidence


def _outside(positives: list[Hit], negatives: list[Hit]) -> list[Hit]:
    """Positive matches that no negative match overlaps ("cross-border surveillance")."""
    if not negatives:
        return positives
    return [p for p in positives if not any(n.start < p.end and p.start < n.end for n in negatives)]


def _outermost(hits: list[Hit]) -> list[Hit]:
    """Drop matches inside a longer (or identical, earlier) match, so each text counts once."""
    if len(hits) < 2:
        return hits
    ordered = sorted(hits, key=lambda h: (h.start, -h.end))
    kept: list[Hit] = []
    for hit in ordered:
        if any(k.start <= hit.start and hit.end <= k.end for k in kept):
            continue
        kept.append(hit)
    return kept


def load_theme_tagger(taxonomy: Taxonomy | None = None) -> ThemeTagger:
    """A theme tagger for ``taxonomy`` (default: the shipped taxonomy file)."""
    return ThemeTagger(taxonomy if taxonomy is not None else load_taxonomy())

"""The query language, parsed by us so that whatever a user types is searched sensibly.

Syntax: words (implicit AND), ``"exact phrases"``, ``AND``, ``OR``, ``NOT`` (upper case;
lower-case ``and``/``or``/``not`` are ordinary words), ``-word`` for NOT, ``prefix*`` and
parentheses. Nothing a user types raises: unbalanced quotes and parentheses close at the
end, dangling operators and lone ``*`` are dropped, and a word holding punctuation
(``AT&T``, ``co-operation``) becomes the phrase of its parts, as the index tokenizes it.
A hyphenated word also matches its closed form, since texts spell it both ways:
``co-operation`` is ``"co operation" OR cooperation`` (a quoted phrase stays as typed).

Every word is folded (``briefer.domain.folding``) exactly as the index is, so the tree
holds search keys. Backends turn the tree into their own syntax; FTS5's lives here too
(``to_fts5``), with every term quoted so no user text reaches FTS5 as syntax.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

from briefer.domain.folding import fold_tokens

MAX_DEPTH = 32  # deeper parentheses are read as plain grouping of what follows


@dataclass(frozen=True)
class Term:
    """One word (or the phrase of several folded words); ``prefix`` matches longer last words."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | And | Or | Not

_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class _Token:
    kind: Literal["term", "and", "or", "not", "open", "close"]
    term: Term | None = None
    closed: Term | None = None  # a hyphenated word written solid: co-operation → cooperation


def _lex(query: str) -> Iterator[_Token]:
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char == '"':
            end = query.find('"', i + 1)
            end = n if end < 0 else end
            raw = query[i + 1 : end]
            i = end + 1
            prefix = raw.rstrip().endswith("*")
            if i < n and query[i] == "*":
                prefix, i = True, i + 1
            words = tuple(fold_tokens(raw))
            if words:
                yield _Token("term", Term(words, prefix))
        elif char == "(":
            i += 1
            yield _Token("open")
        elif char == ")":
            i += 1
            yield _Token("close")
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] not in '"()':
                i += 1
            raw = query[start:i]
            if raw in _OPERATORS:
                yield _Token(raw.lower())  # type: ignore[arg-type]
                continue
            words = tuple(fold_tokens(raw))
            if not words:
                continue
            if raw.startswith("-"):
                yield _Token("not")
            prefix = raw.endswith("*")
            yield _Token("term", Term(words, prefix), _closed_form(raw, words, prefix))


def _closed_form(raw: str, words: tuple[str, ...], prefix: bool) -> Term | None:
    """The word with its inner hyphens removed, when that differs from the phrase of parts.

    ``co-operation`` is spelt ``cooperation`` in many texts (and the index holds one token
    for it), so the phrase alone would miss them. A leading ``-`` is the NOT sign, not part
    of the word.
    """
    body = raw.lstrip("-")
    if "-" not in body:
        return None
    closed = tuple(fold_tokens(body.replace("-", "")))
    if not closed or closed == words:
        return None
    return Term(closed, prefix)


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens = list(_lex(query))
        self.pos = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else None

    def parse(self) -> Node | None:
        parts: list[Node] = []
        while self.peek() is not None:
            if self.peek() == "close":  # a stray ")" closes nothing
                self.pos += 1
                continue
            node = self.parse_or()
            if node is not None:
                parts.append(node)
        return _combine(And, parts)

    def parse_or(self) -> Node | None:
        parts = [self.parse_and()]
        while self.peek() == "or":
            self.pos += 1
            parts.append(self.parse_and())
        return _combine(Or, [p for p in parts if p is not None])

    def parse_and(self) -> Node | None:
        parts: list[Node] = []
        while (kind := self.peek()) not in (None, "or", "close"):
            if kind == "and":
                self.pos += 1
                continue
            node = self.parse_unary()
            if node is not None:
                parts.append(node)
        return _combine(And, parts)

    def parse_unary(self) -> Node | None:
        if self.peek() == "not":
            self.pos += 1
            if self.peek() in (None, "or", "close", "and"):
                return None  # a dangling NOT negates nothing
            child = self.parse_unary()
            return Not(child) if child is not None else None
        return self.parse_primary()

    def parse_primary(self) -> Node | None:
        token = self.tokens[self.pos]
        self.pos += 1
        if token.kind == "term" and token.term is not None:
            node = _with_dj_variant(token.term)
            if token.closed is None:
                return node
            return _combine(Or, [node, _with_dj_variant(token.closed)])
        if token.kind == "open":
            if self.depth >= MAX_DEPTH:
                return None
            self.depth += 1
            node = self.parse_or()
            self.depth -= 1
            if self.peek() == "close":
                self.pos += 1
            return node
        return None


def _with_dj_variant(term: Term) -> Node:
    """``djordje`` also finds Đorđe: the index folds đ to d, but people often type dj.

    The word as typed is kept too (some texts write Djordje), so this only widens.
    """
    variant = tuple(w.replace("dj", "d") for w in term.words)
    if variant == term.words:
        return term
    return Or((term, Term(variant, term.prefix)))


def _combine(kind: type[And] | type[Or], parts: list[Node]) -> Node | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    flat: list[Node] = []
    for part in parts:
        flat.extend(part.children if isinstance(part, kind) else (part,))
    return kind(tuple(flat))


def parse_query(query: str) -> Node | None:
    """The query tree of any user text; None when nothing searchable is left."""
    return _Parser(query or "").parse()


def positive_terms(node: Node | None, negated: bool = False) -> list[Term]:
    """The terms a hit contains (those not under an odd number of NOTs), for snippets."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [] if negated else [node]
    if isinstance(node, Not):
        return positive_terms(node.child, not negated)
    return [t for child in node.children for t in positive_terms(child, negated)]


# --- FTS5 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Fts5Match:
    """An FTS5 MATCH string; ``negated`` means the hits are the passages it does NOT match.

    FTS5 has no unary NOT, so ``NOT border`` (or ``a OR NOT b``) compiles to the complement
    of a positive expression, which the caller turns into ``NOT EXISTS``/``NOT IN``.
    """

    expression: str
    negated: bool = False
    # The terms whose phrases a row the expression matches can contain (none after a
    # NOT), in the order of ``expression``: bm25 sums their scores in that order.
    terms: tuple[Term, ...] = ()


def _fts5_term(term: Term) -> str:
    quoted = '"' + " ".join(w.replace('"', '""') for w in term.words) + '"'
    return quoted + " *" if term.prefix else quoted


def to_fts5(node: Node | None) -> Fts5Match | None:
    """Compile the tree to FTS5 syntax (None: no text condition at all)."""
    if node is None:
        return None
    if isinstance(node, Term):
        return Fts5Match(_fts5_term(node), terms=(node,))
    if isinstance(node, Not):
        inner = to_fts5(node.child)
        return None if inner is None else replace(inner, negated=not inner.negated)
    compiled = [m for m in (to_fts5(child) for child in node.children) if m is not None]
    positives = [m for m in compiled if not m.negated]
    negatives = [m for m in compiled if m.negated]
    if isinstance(node, And):
        # a AND b AND NOT c AND NOT d  ==  (a AND b) NOT (c OR d)
        if not positives:
            return _joined(" OR ", negatives, negated=True)
        match = _joined(" AND ", positives)
        return _but_not(match, _joined(" OR ", negatives)) if negatives else match
    # a OR b OR NOT c OR NOT d  ==  NOT ((c AND d) NOT (a OR b))
    if not negatives:
        return _joined(" OR ", positives)
    match = _joined(" AND ", negatives)
    if positives:
        match = _but_not(match, _joined(" OR ", positives))
    return replace(match, negated=True)


def _joined(operator: str, parts: list[Fts5Match], *, negated: bool = False) -> Fts5Match:
    """Parts joined by an operator, each in parentheses, their terms in the same order."""
    return Fts5Match(
        operator.join(f"({m.expression})" for m in parts),
        negated,
        tuple(t for m in parts for t in m.terms),
    )


def _but_not(kept: Fts5Match, dropped: Fts5Match) -> Fts5Match:
    return Fts5Match(f"({kept.expression}) NOT ({dropped.expression})", terms=kept.terms)

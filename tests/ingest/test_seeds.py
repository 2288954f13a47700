"""The five seed communiqués import cleanly: no boilerplate line in any passage."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from briefer.services.importing import import_all
from briefer.store.library import Library
from briefer.store.models import Document, Passage, PassageFootnote

# Lines that must not survive in any passage (navigation, captions, credits, byline,
# republisher line, press contacts, link markers).
BOILERPLATE = [
    re.compile(p)
    for p in (
        r"Skip to",
        r"^\d\. Skip",
        r"Image: ",
        r"Sicherheitskonferenz der EU zum West-Balkan",
        r"Group photo",
        r"\| Author",
        r"jil/bk",
        r"Met dank overgenomen",
        r"gepubliceerd op",
        r"Press contacts",
        r"General public inquiries",
        r"\s i[,.]",
        r"\u00a0i\b",
        r"\*\*",
    )
]


def _passages(library: Library) -> dict[str, list[Passage]]:
    with library.session() as session:
        rows = session.execute(
            select(Document.file_name, Passage).join(Passage).order_by(Passage.position)
        ).all()
    out: dict[str, list[Passage]] = {}
    for name, passage in rows:
        out.setdefault(name[:3], []).append(passage)
    return out


def test_seeds_import_without_boilerplate(library: Library, seeds_dir: Path) -> None:
    report = import_all(library, [seeds_dir])
    assert [o.status for o in report.outcomes] == ["imported"] * 5
    passages = _passages(library)
    assert sorted(passages) == ["000", "001", "002", "003", "004"]
    for seed, items in passages.items():
        for passage in items:
            for pattern in BOILERPLATE:
                assert not pattern.search(passage.text), (seed, pattern.pattern, passage.text)
    # Words around the removed link markers are intact.
    statement = " ".join(p.text for p in passages["001"])
    assert (
        "Dimitris Avramopoulos, Commissioner for the Security Union Julian King, the" in statement
    )
    assert "NUHODŽIĆ" in statement
    # Emphasis gone, words kept.
    danube = " ".join(p.text for p in passages["003"])
    assert "Convinced that prevention is the best protection" in danube
    assert "considering it inter alia an important aspect" in danube


def test_seed_footnotes_are_attached_not_left_in_the_body(
    library: Library, seeds_dir: Path
) -> None:
    import_all(library, [seeds_dir])
    passages = _passages(library)
    danube = passages["003"]
    note = next(p for p in danube if p.text.startswith("Such as the Salzburg Forum"))
    assert note.kind == "footnote" and note.paragraph == "fn 1"
    assert note.position == len(danube) - 1  # after the body, not in the middle
    assert all(p.kind != "footnote" for p in danube if p.position < note.position)
    with library.session() as session:
        links = session.execute(select(PassageFootnote)).scalars().all()
        carriers = {link.footnote_id: session.get(Passage, link.passage_id) for link in links}
    carrier = carriers[note.id]
    assert carrier.text.startswith("Recalling the efforts in this area within the UN framework")
    ministers = next(p for p in passages["001"] if p.kind == "footnote")
    assert ministers.text.startswith("Ministers Bejtush GASHI")
    assert carriers[ministers.id].text.startswith("Joint Press statement by Commissioner")


def test_seed_metadata_from_dateline_and_republisher(library: Library, seeds_dir: Path) -> None:
    import_all(library, [seeds_dir])
    with library.session() as session:
        docs = {d.file_name[:3]: d for d in session.scalars(select(Document))}
        assert docs["001"].publisher == "European Commission"  # "Europese Commissie (EC)"
        assert docs["001"].published.isoformat() == "2018-06-19"
        assert docs["000"].published.isoformat() == "2015-03-21"
        assert docs["000"].title == "EU and Balkan countries 'tackling jihadism together'"
        rules = {r["rule"] for r in docs["000"].removed_lines}
        assert {"skip-link", "photo-caption", "photo-credit", "byline"} <= rules


def test_reimporting_the_seeds_is_a_duplicate(library: Library, seeds_dir: Path) -> None:
    import_all(library, [seeds_dir])
    again = import_all(library, [seeds_dir / "003_c55fefc0e300afc9.txt"])
    assert [o.status for o in again.outcomes] == ["duplicate"]
    with library.session() as session:
        assert len(session.scalars(select(Document.id)).all()) == 5

"""Libraries to search: a small one built through the ORM (no importer), and the sample.

``Builder`` adds documents, passages, tags and meetings directly; ``sample`` is a copy of
the bundled sample library as the importer stores it (imported once per test session).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from briefer.domain.search import SearchPage, SearchRequest
from briefer.paths import sample_dir
from briefer.services.importing import import_all
from briefer.services.library import open_ready_library
from briefer.services.searching import facet_counts, search
from briefer.store.library import Library, open_library
from briefer.store.models import (
    Country,
    CountryGroup,
    CountryGroupMember,
    Document,
    Meeting,
    Passage,
    PassageCountry,
    PassageTheme,
    Theme,
)


@dataclass
class Builder:
    """Adds rows to a library and indexes passages as the importer does (same transaction)."""

    library: Library
    ids: dict[str, int] = field(default_factory=dict)

    def reference_data(self) -> None:
        with self.library.session() as session:
            session.add_all(
                [
                    Theme(id="migration", label="Migration", position=1),
                    Theme(id="asylum", parent_id="migration", label="Asylum", position=2),
                    Theme(
                        id="migrant-smuggling",
                        parent_id="migration",
                        label="Migrant smuggling",
                        position=3,
                    ),
                    Theme(id="security", label="Security", position=4),
                    Theme(
                        id="foreign-terrorist-fighters",
                        parent_id="security",
                        label="Foreign terrorist fighters",
                        position=5,
                    ),
                ]
            )
            names = {
                "RS": "Serbia",
                "BA": "Bosnia and Herzegovina",
                "AL": "Albania",
                "MK": "North Macedonia",
                "ME": "Montenegro",
                "XK": "Kosovo",
                "GR": "Greece",
                "GB": "United Kingdom",
                "DE": "Germany",
            }
            session.add_all([Country(code=c, name=n) for c, n in names.items()])
            session.add_all(
                [
                    CountryGroup(id="wb6", name="Western Balkans six"),
                    CountryGroup(id="eu", name="EU"),
                ]
            )
            session.flush()
            session.add_all(
                [
                    CountryGroupMember(group_id="wb6", country_code=c)
                    for c in ("RS", "BA", "AL", "MK", "ME", "XK")
                ]
                + [CountryGroupMember(group_id="eu", country_code=c) for c in ("GR", "DE")]
            )

    def meeting(self, key: str, title: str, start: dt.date | None, city: str | None = None) -> int:
        with self.library.session() as session:
            row = Meeting(title=title, start_date=start, end_date=start, city=city)
            session.add(row)
            session.flush()
            self.ids[key] = row.id
        return self.ids[key]

    def document(
        self,
        key: str,
        title: str,
        passages: Sequence[str | tuple[str, dict[str, Sequence[str]]]],
        *,
        published: dt.date | None = None,
        meeting: str | None = None,
    ) -> list[int]:
        """Add a document; each passage is its text or (text, {"themes": [...], ...}).

        Tag keys: ``themes``, ``countries``, ``excluded_themes``, ``excluded_countries``.
        Passage ids are remembered as ``KEY.N`` (N counting from 1, the paragraph).
        """
        with self.library.session() as session:
            doc = Document(
                file_name=f"{key}.txt",
                format="txt",
                sha256=key.ljust(64, "0"),
                title=title,
                published=published,
                text="\n\n".join(p if isinstance(p, str) else p[0] for p in passages),
                removed_lines=[],
                meeting_id=self.ids[meeting] if meeting else None,
            )
            session.add(doc)
            session.flush()
            self.ids[key] = doc.id
            offset = 0
            created: list[Passage] = []
            for position, item in enumerate(passages):
                text, tags = (item, {}) if isinstance(item, str) else item
                passage = Passage(
                    document_id=doc.id,
                    position=position,
                    paragraph=str(position + 1),
                    kind="body",
                    text=text,
                    start=offset,
                    end=offset + len(text),
                )
                offset += len(text) + 2
                session.add(passage)
                session.flush()
                created.append(passage)
                self.ids[f"{key}.{position + 1}"] = passage.id
                for theme in tags.get("themes", ()):
                    session.add(PassageTheme(passage_id=passage.id, theme_id=theme))
                for theme in tags.get("excluded_themes", ()):
                    session.add(
                        PassageTheme(
                            passage_id=passage.id, theme_id=theme, origin="manual", excluded=True
                        )
                    )
                for code in tags.get("countries", ()):
                    session.add(PassageCountry(passage_id=passage.id, country_code=code))
                for code in tags.get("excluded_countries", ()):
                    session.add(
                        PassageCountry(
                            passage_id=passage.id, country_code=code, origin="manual", excluded=True
                        )
                    )
            session.flush()
            self.library.search.index(session.connection(), [(p.id, p.text) for p in created])
        return [p.id for p in created]


@pytest.fixture
def builder(library: Library) -> Iterator[Builder]:
    yield Builder(library)


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample library, imported once per session (tests use copies: ``sample``)."""
    path = tmp_path_factory.mktemp("sample-library") / "sample.sqlite"
    library = open_ready_library(str(path))
    assert not import_all(library, [sample_dir()]).failed
    library.close()
    return path


@pytest.fixture
def sample(sample_file: Path, tmp_path: Path) -> Iterator[Library]:
    """A copy of the imported sample library of this test's own."""
    shutil.copyfile(sample_file, tmp_path / "library.sqlite")
    library = open_library(str(tmp_path / "library.sqlite"))
    yield library
    library.close()


def searched_without_copy(
    library: Library, request: SearchRequest, monkeypatch: pytest.MonkeyPatch
) -> SearchPage:
    """The request answered in SQL alone, as a backend without a stamp answers it."""
    with monkeypatch.context() as patch:
        patch.setattr(library.search, "facet_stamp", lambda _connection: None)
        return search(library, request)


def searched_from_copy(
    library: Library,
    request: SearchRequest,
    monkeypatch: pytest.MonkeyPatch,
    owner: object,
    name: str,
) -> SearchPage:
    """The request answered with the columnar copy loaded; fails unless ``owner.name``
    (the copy's way of answering) was called."""
    facet_counts(library, request)  # loads the copy, as the window's first counts do
    used: list[int] = []
    original = getattr(owner, name)
    with monkeypatch.context() as patch:

        def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
            used.append(1)
            return original(*args, **kwargs)

        patch.setattr(owner, name, spy)
        page = search(library, request)
    assert used, f"the page did not come from the copy ({name} was not called)"
    return page

"""The gazetteer files: complete, checked on load, and copied into the library."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from briefer.store.library import Library
from briefer.store.models import Country, CountryGroup, CountryGroupMember, LibraryInfo
from briefer.tagging import gazetteer as gz
from briefer.tagging.countries import load_country_tagger, reload_country_tagger
from briefer.tagging.groups import group_members, groups_of, members_in_library, protocol_order

# The EU protocol order as domain.md gives it (EL and UK written as stored: GR, GB).
PROTOCOL = [
    "BE",
    "BG",
    "CZ",
    "DK",
    "DE",
    "EE",
    "IE",
    "GR",
    "ES",
    "FR",
    "HR",
    "IT",
    "CY",
    "LV",
    "LT",
    "LU",
    "HU",
    "MT",
    "NL",
    "AT",
    "PL",
    "PT",
    "RO",
    "SI",
    "SK",
    "FI",
    "SE",
]


@pytest.fixture(scope="module")
def shipped() -> gz.Gazetteer:
    return gz.load_gazetteer()


@pytest.fixture
def gazetteer_copy(tmp_path: Path) -> Path:
    target = tmp_path / "gazetteer"
    shutil.copytree(gz.default_directory(), target)
    return target


@pytest.fixture
def restore_shipped() -> Iterator[None]:
    yield
    gz.reload_gazetteer()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# ---------------------------------------------------------------- content


def test_every_un_member_state_and_the_usual_territories(shipped: gz.Gazetteer) -> None:
    states = [c for c in shipped.countries.values() if c.kind == gz.STATE]
    assert len(states) == 193
    for code in ("XK", "PS", "TW", "HK", "VA", "EH"):
        assert shipped.countries[code].kind == gz.TERRITORY
    for entry in shipped.countries.values():
        assert entry.name and entry.long_name, entry.code


def test_eu_style_short_names_and_long_names(shipped: gz.Gazetteer) -> None:
    c = shipped.countries
    assert c["MK"].name == "North Macedonia"
    assert c["CZ"].name == "Czechia"
    assert c["TR"].name == "Türkiye"
    assert c["MD"].long_name == "Republic of Moldova"
    assert "the former Yugoslav Republic of Macedonia" in c["MK"].former
    assert "FYROM" in c["MK"].abbreviations
    assert "Czech Republic" in (*c["CZ"].former, c["CZ"].long_name)
    assert "Swaziland" in c["SZ"].former


def test_states_have_adjectives_and_capitals(shipped: gz.Gazetteer) -> None:
    missing = {
        c.code for c in shipped.countries.values() if c.kind == gz.STATE and not c.adjectives
    }
    # "Congolese" and "Dominican" belong to one country each (see rules.toml for Congo).
    assert missing == {"CD", "DM"}
    for code, capital in (("RS", "Belgrade"), ("XK", "Pristina"), ("BI", "Gitega")):
        assert shipped.countries[code].capital == capital


def test_western_balkans_have_cyrillic_and_latin_forms(shipped: gz.Gazetteer) -> None:
    forms = {c: {f for f, _ in shipped.countries[c].surface_forms()} for c in shipped.countries}
    assert {"Србија", "Београд", "Нови Сад", "Ниш"} <= forms["RS"]
    assert {"Црна Гора", "Подгорица"} <= forms["ME"]
    assert {"Северна Македонија", "Скопје"} <= forms["MK"]
    assert {"Босна и Херцеговина", "Сарајево"} <= forms["BA"]
    assert {"Косово", "Приштина", "Priština"} <= forms["XK"]


def test_codes_el_and_uk_are_accepted(shipped: gz.Gazetteer) -> None:
    assert shipped.country_code("EL") == "GR"
    assert shipped.country_code("uk") == "GB"
    assert shipped.country_code("xk") == "XK"
    assert shipped.country_code("Serbia") == "RS"
    with pytest.raises(gz.UnknownCountry, match="ZZ"):
        shipped.country_code("ZZ")


def test_brace_forms_expand() -> None:
    assert gz.expand_braces("Srbij{a,e,i}") == ["Srbija", "Srbije", "Srbiji"]
    assert gz.expand_braces("Serbia") == ["Serbia"]


# ---------------------------------------------------------------- groups and dates


def test_eu_membership_by_date(shipped: gz.Gazetteer) -> None:
    in_2018 = group_members("eu", dt.date(2018, 6, 1), shipped)
    in_2021 = group_members("eu", dt.date(2021, 6, 1), shipped)
    assert len(in_2018) == 28 and "GB" in in_2018 and "HR" in in_2018
    assert len(in_2021) == 27 and "GB" not in in_2021
    assert "GB" in group_members("eu", dt.date(2020, 1, 31), shipped)
    assert "GB" not in group_members("eu", dt.date(2020, 2, 1), shipped)
    assert "HR" not in group_members("eu", dt.date(2013, 6, 30), shipped)
    assert "HR" in group_members("eu", dt.date(2013, 7, 1), shipped)
    assert "PL" not in group_members("eu", dt.date(2003, 1, 1), shipped)


def test_eu_protocol_order(shipped: gz.Gazetteer) -> None:
    assert group_members("eu", dt.date(2021, 1, 1), shipped) == PROTOCOL
    assert group_members("eu", dt.date(2019, 1, 1), shipped) == [*PROTOCOL, "GB"]
    assert protocol_order(["SE", "RS", "BE", "AT"], shipped) == ["BE", "AT", "SE", "RS"]


def test_other_groups(shipped: gz.Gazetteer) -> None:
    assert group_members("wb6", gazetteer=shipped) == ["AL", "BA", "XK", "ME", "MK", "RS"]
    assert len(group_members("eusdr", gazetteer=shipped)) == 14
    assert len(group_members("salzburg_forum", gazetteer=shipped)) == 9
    assert set(group_members("berlin_process", gazetteer=shipped)) >= {"AT", "GB", "XK"}
    schengen_2022 = group_members("schengen", dt.date(2022, 6, 1), shipped)
    schengen_2025 = group_members("schengen", dt.date(2025, 6, 1), shipped)
    assert "HR" not in schengen_2022 and "HR" in schengen_2025
    assert "BG" not in group_members("schengen", dt.date(2024, 12, 31), shipped)
    assert {"BG", "RO"} <= set(schengen_2025)
    assert len(schengen_2025) == 29 and "IE" not in schengen_2025 and "CH" in schengen_2025
    assert "wb6" in groups_of("XK", gazetteer=shipped)
    with pytest.raises(gz.UnknownCountry, match="nordic"):
        group_members("nordic", gazetteer=shipped)


# ---------------------------------------------------------------- bad files


def test_syntax_error_names_file_and_line(gazetteer_copy: Path) -> None:
    path = gazetteer_copy / "countries.toml"
    edit(path, 'name = "Serbia"', 'name = "Serbia')
    with pytest.raises(gz.GazetteerError) as caught:
        gz.load_gazetteer(gazetteer_copy)
    message = str(caught.value)
    line = line_of(path, 'name = "Serbia')
    assert message.startswith(f"{path}:{line}:")
    assert "TOML syntax error" in message


def test_duplicate_country_names_the_line(gazetteer_copy: Path) -> None:
    path = gazetteer_copy / "countries.toml"
    with path.open("a", encoding="utf-8") as out:
        out.write('\n[RS]\nname = "Serbia again"\n')
    with pytest.raises(gz.GazetteerError) as caught:
        gz.load_gazetteer(gazetteer_copy)
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert str(caught.value).startswith(f"{path}:{last - 1}:")
    assert "RS" in str(caught.value)


def test_name_given_to_two_countries(gazetteer_copy: Path) -> None:
    path = gazetteer_copy / "countries.toml"
    edit(path, 'adjectives = ["Croatian"', 'adjectives = ["Serbian", "Croatian"')
    with pytest.raises(gz.GazetteerError, match="already given to RS") as caught:
        gz.load_gazetteer(gazetteer_copy)
    assert caught.value.line == line_of(path, 'adjectives = ["Serbian", "Croatian"')


def test_unknown_group_member(gazetteer_copy: Path) -> None:
    path = gazetteer_copy / "groups.toml"
    edit(path, '{ code = "AL" },', '{ code = "QQ" },')
    with pytest.raises(gz.GazetteerError, match="'QQ' is not a country") as caught:
        gz.load_gazetteer(gazetteer_copy)
    assert caught.value.path == path
    assert caught.value.line == line_of(path, '"QQ"')


def test_duplicate_group_member_and_bad_dates(gazetteer_copy: Path) -> None:
    path = gazetteer_copy / "groups.toml"
    edit(path, '{ code = "BA" },', '{ code = "AL" },')
    with pytest.raises(gz.GazetteerError, match="listed twice"):
        gz.load_gazetteer(gazetteer_copy)


def test_unknown_field_is_reported(gazetteer_copy: Path) -> None:
    path = gazetteer_copy / "countries.toml"
    edit(path, '[RS]\nname = "Serbia"', '[RS]\nname = "Serbia"\ncapitol = "Belgrade"')
    with pytest.raises(gz.GazetteerError, match="unknown field 'capitol'") as caught:
        gz.load_gazetteer(gazetteer_copy)
    assert caught.value.line == line_of(path, "capitol")


def test_rules_must_name_known_countries_and_names(gazetteer_copy: Path) -> None:
    path = gazetteer_copy / "rules.toml"
    edit(path, 'name = "Korea"\ncode = "KR"', 'name = "Korea"\ncode = "KP"')
    with pytest.raises(gz.GazetteerError, match="'Korea': not a name of KP") as caught:
        gz.load_gazetteer(gazetteer_copy)
    assert caught.value.path == path
    assert caught.value.line is not None
    assert path.read_text(encoding="utf-8").splitlines()[caught.value.line - 1] == "[[ambiguous]]"


def test_listed_only_names_must_exist(gazetteer_copy: Path) -> None:
    path = gazetteer_copy / "rules.toml"
    edit(path, 'names = ["Bar", "Split", "Nice"]', 'names = ["Bar", "Splitt", "Nice"]')
    with pytest.raises(gz.GazetteerError, match="'Splitt' is not a name") as caught:
        gz.load_gazetteer(gazetteer_copy)
    assert caught.value.line == line_of(path, '"Splitt"')


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(gz.GazetteerError, match="cannot read"):
        gz.load_gazetteer(tmp_path)


def test_a_bad_gazetteer_leaves_the_previous_one_in_force(
    gazetteer_copy: Path, restore_shipped: None
) -> None:
    before = gz.current_gazetteer()
    tagger = load_country_tagger()
    edit(gazetteer_copy / "countries.toml", "[RS]", "[RS")
    with pytest.raises(gz.GazetteerError):
        reload_country_tagger(gazetteer_copy)
    assert gz.current_gazetteer() is before
    assert load_country_tagger() is tagger
    assert [m.code for m in tagger.tag("Serbia")] == ["RS"]


def test_an_edited_gazetteer_is_put_in_force(gazetteer_copy: Path, restore_shipped: None) -> None:
    edit(gazetteer_copy / "countries.toml", 'cities = ["Подгорица", ', 'cities = ["Budvanska", ')
    tagger = reload_country_tagger(gazetteer_copy)
    assert [m.code for m in tagger.tag("a beach near Budvanska")] == ["ME"]
    assert gz.current_gazetteer().directory == gazetteer_copy


# ---------------------------------------------------------------- into the library


def count(library: Library, model: type) -> int:
    with library.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_sync_fills_the_tables_then_is_a_no_op(library: Library, shipped: gz.Gazetteer) -> None:
    with library.session() as session:
        assert gz.sync_countries(session, shipped) is True
    assert count(library, Country) == len(shipped.countries)
    assert count(library, CountryGroup) == len(shipped.groups)
    assert count(library, CountryGroupMember) == sum(
        len(g.members) for g in shipped.groups.values()
    )
    with library.session() as session:
        xk = session.get(Country, "XK")
        assert xk is not None and xk.name == "Kosovo"
        gb = session.get(CountryGroupMember, ("eu", "GB"))
        assert gb is not None and gb.until == dt.date(2020, 1, 31) and gb.position == 28
        info = session.get(LibraryInfo, gz.LIBRARY_INFO_KEY)
        assert info is not None and info.value == shipped.sha256
    with library.session() as session:
        assert gz.sync_countries(session, shipped) is False


def test_sync_applies_an_edit_and_keeps_countries(
    library: Library, shipped: gz.Gazetteer, gazetteer_copy: Path
) -> None:
    with library.session() as session:
        gz.sync_countries(session, shipped)
    edit(gazetteer_copy / "countries.toml", 'name = "Czechia"', 'name = "Czech Lands"')
    edit(gazetteer_copy / "countries.toml", '\n[AD]\nname = "Andorra"', '\n[AD]\nname = "Andorra"')
    edited = gz.load_gazetteer(gazetteer_copy)
    assert edited.sha256 != shipped.sha256
    with library.session() as session:
        assert gz.sync_countries(session, edited) is True
    with library.session() as session:
        cz = session.get(Country, "CZ")
        assert cz is not None and cz.name == "Czech Lands"
    assert count(library, Country) == len(shipped.countries)


def test_group_members_from_the_library_match_the_gazetteer(
    library: Library, shipped: gz.Gazetteer
) -> None:
    with library.session() as session:
        gz.sync_countries(session, shipped)
    with library.session() as session:
        for day in (dt.date(2012, 1, 1), dt.date(2018, 6, 1), dt.date(2025, 6, 1)):
            for group_id in shipped.groups:
                assert members_in_library(session, group_id, day) == group_members(
                    group_id, day, shipped
                )
        with pytest.raises(gz.UnknownCountry):
            members_in_library(session, "nordic")


def test_country_names_for_other_modules(shipped: gz.Gazetteer) -> None:
    names = gz.country_names(shipped)
    assert names["Bulgaria"] == "BG"
    assert names["the former Yugoslav Republic of Macedonia"] == "MK"
    assert "Serbian" not in names  # adjectives are the tagger's business


def test_opening_an_up_to_date_library_does_not_parse_the_files(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    with library.session() as session:
        gz.sync_countries(session)
    monkeypatch.setattr(gz, "_current", None)

    def fail(directory: Path | None = None) -> gz.Gazetteer:
        raise AssertionError("the gazetteer was parsed although nothing changed")

    monkeypatch.setattr(gz, "load_gazetteer", fail)
    with library.session() as session:
        assert gz.sync_countries(session) is False

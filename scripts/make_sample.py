"""Regenerate the sample documents that cannot be written by hand.

The sample library in ``resources/sample/`` is mostly plain files edited by hand
(.txt, .md, .html, .htm). Three documents are generated here, from the text held in
this script, because a text editor cannot produce them faithfully:

* ``02_salzburg-forum-2016_declaration.docx``: Word styles (Title, Headings, List
  Number, List Bullet), numbered declaration paragraphs and two real Word footnotes
  (python-docx cannot write footnotes, so the footnotes part is added with lxml);
* ``03_danube-region-2017_conclusions.pdf``: justified text with hyphenated line
  breaks, a running header and a "Page N of M" footer on every page, DejaVu fonts so
  diacritics and Cyrillic are real text;
* ``09_pcc-see-2023_sarajevo-cp1250.txt``: a web copy saved in the legacy
  Central European code page cp1250, so charset detection is exercised.

The output is deterministic (fixed timestamps, reportlab's invariant mode), so
re-running the script leaves git clean. Usage::

    python scripts/make_sample.py [OUTPUT_DIR]   # default: resources/sample
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import zipfile
from pathlib import Path

NOTICE = "Fictional sample text for Briefer — not an official document."

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "resources" / "sample"
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED_TIME = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)

DOCX_NAME = "02_salzburg-forum-2016_declaration.docx"
PDF_NAME = "03_danube-region-2017_conclusions.pdf"
CP1250_NAME = "09_pcc-see-2023_sarajevo-cp1250.txt"

# --------------------------------------------------------------------------------------
# 02: Salzburg Forum declaration (DOCX)
# --------------------------------------------------------------------------------------

# Footnote markers in the text are written {fn:N}; the texts are below.
DOCX_FOOTNOTES = {
    1: (
        "Albania, Bosnia and Herzegovina, the former Yugoslav Republic of Macedonia, "
        "Kosovo*, Montenegro, Serbia and the Republic of Moldova. *This designation is "
        "without prejudice to positions on status, and is in line with UNSCR 1244/1999 "
        "and the ICJ Opinion on the Kosovo declaration of independence."
    ),
    2: (
        "EU-Turkey Statement of 18 March 2016, agreed at the meeting of the Members of "
        "the European Council with Turkey in Brussels."
    ),
}

# (style, text) in reading order.
DOCX_BODY: list[tuple[str, str]] = [
    ("Normal", NOTICE),
    ("Title", "Salzburg Forum Ministerial Conference"),
    ("Heading 1", "Joint Declaration"),
    ("Normal", "Budapest, 18–19 November 2016"),
    (
        "Normal",
        "The Ministers of the Interior of Austria, Bulgaria, Croatia, the Czech Republic, "
        "Hungary, Poland, Romania, Slovakia and Slovenia, meeting in Budapest on "
        "18–19 November 2016 under the Hungarian Presidency of the Salzburg Forum, together "
        "with the Ministers of the Group of Friends of the Salzburg Forum{fn:1}, the "
        "European Commission, Europol, Frontex and the European Asylum Support Office,",
    ),
    (
        "Normal",
        "Recalling their joint responsibility for the security of the Schengen area and "
        "their solidarity with the countries most affected by the migration crisis of "
        "2015 and 2016,",
    ),
    (
        "Normal",
        "Concerned that smuggling networks continue to exploit the Western Balkan route "
        "and put the lives of migrants at risk,",
    ),
    ("Normal", "Have agreed on the following:"),
    ("Heading 2", "1. Migration and asylum"),
    (
        "Normal",
        "1.1 The Ministers note that, although the number of irregular arrivals along the "
        "Western Balkan route has fallen since the EU-Turkey Statement{fn:2}, thousands of "
        "migrants remain in the region and smugglers continue to move people across the "
        "green borders.",
    ),
    (
        "Normal",
        "1.2 The Ministers stress that a functioning asylum system depends on fair and "
        "fast procedures, on reception conditions that meet European standards and on the "
        "effective return of persons who are not in need of international protection, "
        "with full respect for human rights and the principle of non-refoulement.",
    ),
    (
        "Normal",
        "1.3 The Ministers call on the European Asylum Support Office to extend its "
        "support to the Western Balkan partners, in particular for the registration of "
        "asylum applications, the reception capacity of the partners and the care of "
        "unaccompanied minors.",
    ),
    ("Heading 2", "2. Returns and readmission"),
    (
        "Normal",
        "2.1 The Ministers agree that return is an essential part of a credible migration "
        "policy and call for the full use of the readmission agreements, including their "
        "clauses on third-country nationals.",
    ),
    (
        "Normal",
        "2.2 The Ministers will cooperate on joint return operations supported by Frontex "
        "to countries of origin such as Nigeria and Guinea-Bissau, and on assisted "
        "voluntary return and reintegration programmes.",
    ),
    ("Heading 2", "3. Border management and information systems"),
    (
        "Normal",
        "3.1 The Ministers underline that the protection of the external borders is a "
        "shared responsibility and welcome the entry into force of the European Border and "
        "Coast Guard Regulation, which gives Frontex a stronger mandate for joint "
        "operations and rapid border interventions.",
    ),
    (
        "Normal",
        "3.2 The Ministers call for systematic checks of all persons crossing the external "
        "borders against the Schengen Information System and the Interpol databases, and "
        "for the fingerprints of every irregular migrant to be taken and stored in Eurodac.",
    ),
    ("Heading 2", "4. Migrant smuggling"),
    (
        "Normal",
        "4.1 The Ministers commit to dismantling migrant smuggling networks through joint "
        "investigation teams, financial investigations and the exchange of information "
        "with the European Migrant Smuggling Centre at Europol.",
    ),
    ("Normal", "To implement this declaration, the Ministers agree to:"),
    (
        "List Number",
        "establish a network of contact points on migrant smuggling among the Salzburg "
        "Forum members and the Group of Friends;",
    ),
    (
        "List Number",
        "hold a joint training for border police officers with CEPOL and Frontex in 2017;",
    ),
    ("List Number", "report on progress at the next ministerial conference."),
    ("Heading 2", "5. Cooperation with the Western Balkans"),
    (
        "Normal",
        "5.1 The Ministers reaffirm their support to the Western Balkan partners, notably to "
        "the former Yugoslav Republic of Macedonia and Serbia, which have carried a heavy "
        "burden since 2015, through:",
    ),
    (
        "List Bullet",
        "the deployment of guest officers from Salzburg Forum members at the borders of "
        "the partners;",
    ),
    ("List Bullet", "donations of equipment for border surveillance and registration;"),
    (
        "List Bullet",
        "the joint action plan of the Salzburg Forum on the Western Balkan route, to be "
        "updated in 2017.",
    ),
    ("Normal", "Done at Budapest on 19 November 2016."),
]

# --------------------------------------------------------------------------------------
# 03: Danube Region conclusions (PDF)
# --------------------------------------------------------------------------------------

PDF_RUNNING_HEADER = "EU Strategy for the Danube Region · Priority Area 11 “Security”"
PDF_RUNNING_FOOTER = "Ministerial Conference, Novi Sad, 19–20 June 2017 · Conclusions"

# (kind, text): kind is "title", "subtitle", "heading" or "body".
PDF_BODY: list[tuple[str, str]] = [
    ("subtitle", "European Union Strategy for the Danube Region"),
    (
        "title",
        "Ministerial Conference on Organised Crime and Firearms Trafficking in the Danube Region",
    ),
    ("subtitle", "Novi Sad, Serbia, 19–20 June 2017"),
    ("heading", "CONCLUSIONS"),
    (
        "body",
        "The Ministers responsible for home affairs and the authorised representatives of "
        "the countries of the EU Strategy for the Danube Region (Austria, Bosnia and "
        "Herzegovina, Bulgaria, Croatia, the Czech Republic, Germany, Hungary, the Republic "
        "of Moldova, Montenegro, Romania, Serbia, Slovakia, Slovenia and Ukraine), with "
        "Albania and the former Yugoslav Republic of Macedonia as guests,",
    ),
    (
        "body",
        "Meeting in Novi Sad on 19 and 20 June 2017 at the invitation of the Ministry of "
        "the Interior of the Republic of Serbia, in cooperation with the European "
        "Commission, Europol, CEPOL, the Southeast European Law Enforcement Center (SELEC) "
        "and the Danube Strategy Point,",
    ),
    (
        "body",
        "Recognising that organised crime groups active in the Danube Region exploit the "
        "river, its ports and the region's road and rail corridors to move drugs, "
        "firearms, excise goods and people,",
    ),
    ("body", "Have adopted the following conclusions:"),
    ("heading", "Firearms"),
    (
        "body",
        "1. The Ministers note with concern that firearms from the arsenals of the 1990s, "
        "as well as converted, reactivated and illegally manufactured weapons, continue to "
        "reach criminal and terrorist groups across the European Union. They agree to "
        "treat firearms trafficking as a priority of their cooperation under Priority "
        "Area 11.",
    ),
    (
        "body",
        "2. The Ministers agree to improve the tracing of seized firearms, to exchange "
        "ballistic information systematically and to report all seizures to Europol, in "
        "support of the EMPACT priority on firearms.",
    ),
    (
        "body",
        "3. They welcome the intention of the Western Balkan partners to adopt a regional "
        "roadmap on small arms and light weapons, and offer the support of Danube Region "
        "experts for its implementation.",
    ),
    ("heading", "Drugs"),
    (
        "body",
        "4. The Ministers observe that the Danube and the Balkan route are used for the "
        "trafficking of heroin towards Western Europe and of synthetic drugs and "
        "precursors in the opposite direction, and that cocaine increasingly arrives "
        "through the ports of the Black Sea and the Adriatic.",
    ),
    (
        "body",
        "5. They agree to carry out joint controls on river traffic, to develop risk "
        "profiles for vessels and containers together with customs authorities, and to "
        "cooperate with the European Monitoring Centre for Drugs and Drug Addiction on "
        "drug supply reduction and demand reduction.",
    ),
    ("heading", "Money laundering and corruption"),
    (
        "body",
        "6. Recognising that organised crime cannot be defeated without depriving "
        "criminals of their profits, the Ministers commit to systematic parallel financial "
        "investigations, to the confiscation of criminal assets and to the social reuse of "
        "confiscated property.",
    ),
    (
        "body",
        "7. The Ministers recall that corruption in law enforcement, border and judicial "
        "authorities facilitates every form of organised crime, and agree to exchange good "
        "practice on integrity testing, asset declarations and the protection of "
        "whistle-blowers.",
    ),
    ("heading", "Trafficking in human beings"),
    (
        "body",
        "8. The Ministers agree to intensify the fight against trafficking in human "
        "beings, in particular for sexual and labour exploitation, to improve the early "
        "identification of victims among migrants and to ensure that victims receive "
        "assistance and protection regardless of their willingness to testify.",
    ),
    ("heading", "Critical infrastructure and cybercrime"),
    (
        "body",
        "9. Noting that ports, bridges, power plants and river locks along the Danube are "
        "potential targets for terrorist attacks and cyber attacks, the Ministers agree to "
        "exchange information on threats to critical infrastructure and to organise a "
        "joint exercise in 2018.",
    ),
    (
        "body",
        "10. They further agree that cybercrime, including online fraud and attacks on "
        "information systems, requires specialised units and fast cross-border access to "
        "electronic evidence.",
    ),
    ("heading", "Police cooperation and information exchange"),
    (
        "body",
        "11. The Ministers underline the value of the Police Cooperation Convention for "
        "Southeast Europe (PCC SEE) and of SELEC for operational cooperation, and call for "
        "the wider use of joint investigation teams, liaison officers and joint patrols on "
        "the river.",
    ),
    (
        "body",
        "12. They agree to speed up the exchange of information and criminal intelligence "
        "through Europol's secure information exchange network (SIENA) and through the "
        "national contact points of Priority Area 11.",
    ),
    (
        "body",
        "13. The Ministers welcome the training offered by CEPOL and invite it to develop, "
        "together with the Danube Region countries, a course on financial investigations "
        "and firearms trafficking.",
    ),
    ("heading", "Follow-up"),
    (
        "body",
        "14. The Ministers task the coordinators of Priority Area 11 to update the EUSDR "
        "Action Plan accordingly and to report on its implementation at the next Danube "
        "Region security conference.",
    ),
    (
        "body",
        "15. The Ministers thank the host, the Minister of the Interior of the Republic of "
        "Serbia Đorđe Vuković (Ђорђе Вуковић), and the City of Novi Sad (Нови Сад) for "
        "their hospitality.",
    ),
    ("body", "Done at Novi Sad on 20 June 2017."),
]

# Hyphenation points for the long words of the PDF text (a hyphenation library would
# be one more dependency for a single generated file). Justified lines may break at
# these points; reportlab draws a hyphen only where it actually breaks.
HYPHENATION = """
ac-cord-ing-ly ad-dic-tion as-sis-tance au-thor-i-ties au-tho-rised bal-lis-tic
Bul-gar-ia co-op-er-a-tion co-op-er-ate con-fis-ca-tion con-fis-cat-ed con-tain-ers
con-vert-ed co-or-di-na-tors cor-rup-tion cor-ri-dors crim-i-nal crim-i-nals
de-priv-ing de-vel-op dec-la-ra-tions ex-ploi-ta-tion elec-tron-ic Eu-ro-pean
ex-er-cise ex-perts fa-cil-i-tates fi-nan-cial fire-arms Her-ze-go-vi-na
hos-pi-tal-i-ty iden-ti-fi-ca-tion il-le-gal-ly im-ple-men-ta-tion in-creas-ing-ly
in-for-ma-tion in-fra-struc-ture in-teg-ri-ty in-tel-li-gence in-ten-si-fy
in-ten-tion in-ves-ti-ga-tion in-ves-ti-ga-tions in-vi-ta-tion man-u-fac-tured
Min-is-ters Min-is-try Mol-do-va Mon-i-tor-ing Mon-te-ne-gro or-gan-ise
or-gan-ised op-er-a-tional op-po-site par-al-lel par-tic-u-lar
part-ners po-ten-tial prac-tice pre-cur-sors pri-or-i-ty pro-tec-tion
re-ac-ti-vat-ed Rec-og-nis-ing re-gard-less rep-re-sen-ta-tives re-spon-si-ble
Slo-va-kia Slo-ve-nia spe-cialised Strat-e-gy sys-tem-at-ic sys-tem-at-i-cal-ly
traf-fick-ing wil-ling-ness
"""


def _hyphenation_table() -> dict[str, str]:
    """Map each listed word to its form with soft hyphens at the break points."""
    table = {}
    for entry in HYPHENATION.split():
        table[entry.replace("-", "")] = entry.replace("-", "\u00ad")
    return table


def soft_hyphenate(text: str, table: dict[str, str]) -> str:
    """Insert soft hyphens into the words the table knows (case as in the table)."""
    return re.sub(r"[A-Za-z]+", lambda m: table.get(m.group(0), m.group(0)), text)


# --------------------------------------------------------------------------------------
# 09: PCC SEE Committee of Ministers (cp1250 text)
# --------------------------------------------------------------------------------------

CP1250_TEXT = f"""{NOTICE}
Skip to content

PCC SEE Committee of Ministers meets in Sarajevo

Sarajevo, 11/12 December 2023

The Committee of Ministers of the Police Cooperation Convention for Southeast Europe \
(PCC SEE) met in Sarajevo on 11/12 December 2023 at the end of the Presidency of Bosnia \
and Herzegovina, chaired by the Minister of Security of Bosnia and Herzegovina, \
Mevlida Hodžić.

Ministers and heads of delegation of the Contracting Parties – Albania, Austria, Bosnia \
and Herzegovina, Bulgaria, Hungary, Moldova, Montenegro, North Macedonia, Romania, Serbia \
and Slovenia – took part, together with representatives of the European Commission, \
Europol, Frontex and CEPOL.

Minister Hodžić said that the Convention had become „the backbone of everyday police \
cooperation in our region“: cross-border surveillance, hot pursuit, joint patrols and \
mixed analysis teams are now routine between the Contracting Parties.

The Ministers welcomed the first full year of automated exchange of DNA profiles, \
fingerprints and vehicle registration data under the PCC SEE Prüm-like agreement, and \
agreed to connect the remaining Parties by the end of 2024. The exchange of information \
between police services has never been faster, said Serbian State Secretary Nikola Ćirić.

The Head of the PCC SEE Secretariat, Darko Šuštar, presented the evaluation of data \
protection in the Contracting Parties. The Ministers stressed that the protection of \
personal data is a condition for every exchange of information, not an obstacle to it, \
and that fundamental rights must be respected in all joint operations.

The Ministers took note of a joint operation against trafficking in human beings \
coordinated by the Secretariat in 2023, in which 34 victims of sexual and labour \
exploitation were identified and 19 suspects were arrested. Montenegrin Police Director \
Željko Čolović called for joint investigation teams in every case with victims in more \
than one country.

Together with CEPOL, the Secretariat will train investigators in cybercrime and in the \
use of electronic evidence in 2024, and will organise a course for border police on \
detecting forged documents at border crossing points.

The Ministers adopted the PCC SEE work programme for 2024, with a budget of 480,000 €, \
and handed over the Presidency to Moldova for the first half of 2024. Bosnian Deputy \
Minister Anđela Kovačević thanked the Secretariat for its support during the Presidency.

Share This Page
"""

# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------


def write_cp1250(out_dir: Path) -> Path:
    """Write the PCC SEE page in cp1250 with CRLF line ends, as a legacy site saved it."""
    path = out_dir / CP1250_NAME
    path.write_bytes(CP1250_TEXT.replace("\n", "\r\n").encode("cp1250"))
    return path


def write_docx(out_dir: Path) -> Path:
    """Write the Salzburg Forum declaration with real Word footnotes."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    document = docx.Document()
    _ensure_footnote_styles(document, WD_STYLE_TYPE, Pt)
    for style, text in DOCX_BODY:
        paragraph = document.add_paragraph(style=style)
        for piece in re.split(r"(\{fn:\d+\})", text):
            marker = re.fullmatch(r"\{fn:(\d+)\}", piece)
            if marker:
                paragraph._p.append(_footnote_reference_run(int(marker.group(1))))
            elif piece:
                paragraph.add_run(piece)
    _add_footnotes_part(document, DOCX_FOOTNOTES)

    props = document.core_properties
    props.title = "Salzburg Forum Ministerial Conference: Joint Declaration (sample)"
    props.subject = "Fictional sample text for Briefer"
    props.author = "Briefer sample library"
    props.last_modified_by = "Briefer sample library"
    props.comments = ""
    props.created = FIXED_TIME.replace(tzinfo=None)
    props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1

    path = out_dir / DOCX_NAME
    document.save(str(path))
    _normalise_zip(path)
    return path


def _ensure_footnote_styles(document, style_type, pt) -> None:
    """Add the Word built-in footnote styles the default template lacks."""
    names = {style.name for style in document.styles}
    if "Footnote Text" not in names:
        text_style = document.styles.add_style("Footnote Text", style_type.PARAGRAPH)
        text_style.base_style = document.styles["Normal"]
        text_style.font.size = pt(9)
        text_style.paragraph_format.space_after = pt(0)
    if "Footnote Reference" not in names:
        ref_style = document.styles.add_style("Footnote Reference", style_type.CHARACTER)
        ref_style.font.superscript = True


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _footnote_reference_run(footnote_id: int):
    """A run holding ``<w:footnoteReference>``: what Word inserts for a footnote mark."""
    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rstyle = OxmlElement("w:rStyle")
    rstyle.set(_w("val"), "FootnoteReference")
    rpr.append(rstyle)
    run.append(rpr)
    ref = OxmlElement("w:footnoteReference")
    ref.set(_w("id"), str(footnote_id))
    run.append(ref)
    return run


def _add_footnotes_part(document, footnotes: dict[int, str]) -> None:
    """Add ``word/footnotes.xml`` (separators plus our notes) and relate it."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from lxml import etree

    w_ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    w = f"{{{w_ns}}}"
    root = etree.Element(f"{w}footnotes", nsmap={"w": w_ns})
    for note_id, kind, mark in (
        (-1, "separator", "separator"),
        (0, "continuationSeparator", "continuationSeparator"),
    ):
        note = etree.SubElement(root, f"{w}footnote", {f"{w}type": kind, f"{w}id": str(note_id)})
        para = etree.SubElement(note, f"{w}p")
        ppr = etree.SubElement(para, f"{w}pPr")
        etree.SubElement(
            ppr, f"{w}spacing", {f"{w}after": "0", f"{w}line": "240", f"{w}lineRule": "auto"}
        )
        run = etree.SubElement(para, f"{w}r")
        etree.SubElement(run, f"{w}{mark}")
    for note_id, text in footnotes.items():
        note = etree.SubElement(root, f"{w}footnote", {f"{w}id": str(note_id)})
        para = etree.SubElement(note, f"{w}p")
        ppr = etree.SubElement(para, f"{w}pPr")
        etree.SubElement(ppr, f"{w}pStyle", {f"{w}val": "FootnoteText"})
        ref_run = etree.SubElement(para, f"{w}r")
        rpr = etree.SubElement(ref_run, f"{w}rPr")
        etree.SubElement(rpr, f"{w}rStyle", {f"{w}val": "FootnoteReference"})
        etree.SubElement(ref_run, f"{w}footnoteRef")
        text_run = etree.SubElement(para, f"{w}r")
        t = etree.SubElement(
            text_run, f"{w}t", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"}
        )
        t.text = " " + text
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def _normalise_zip(path: Path) -> None:
    """Rewrite a zip with fixed member timestamps so the bytes are reproducible."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)


def write_pdf(out_dir: Path) -> Path:
    """Write the Danube Region conclusions: justified, hyphenated, headers and footers."""
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas as rl_canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    fonts = {
        "DejaVuSerif": "DejaVuSerif.ttf",
        "DejaVuSerif-Bold": "DejaVuSerif-Bold.ttf",
        "DejaVuSans": "DejaVuSans.ttf",
        "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
    }
    for name, file_name in fonts.items():
        pdfmetrics.registerFont(TTFont(name, str(DEJAVU_DIR / file_name)))

    body = ParagraphStyle(
        "body",
        fontName="DejaVuSerif",
        fontSize=11,
        leading=15,
        alignment=TA_JUSTIFY,
        spaceAfter=7,
        embeddedHyphenation=1,
        hyphenationMinWordLength=4,
    )
    title = ParagraphStyle(
        "title",
        parent=body,
        fontName="DejaVuSerif-Bold",
        fontSize=15,
        leading=20,
        alignment=TA_CENTER,
        spaceAfter=10,
    )
    subtitle = ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER, spaceAfter=6)
    heading = ParagraphStyle(
        "heading",
        parent=body,
        fontName="DejaVuSerif-Bold",
        spaceBefore=8,
        spaceAfter=5,
        alignment=0,
    )
    styles = {"title": title, "subtitle": subtitle, "heading": heading, "body": body}
    table = _hyphenation_table()

    story = []
    for kind, text in PDF_BODY:
        shown = escape(text)
        if kind == "body":
            shown = soft_hyphenate(shown, table)
        story.append(Paragraph(shown, styles[kind]))
        if kind == "heading" and text == "CONCLUSIONS":
            story.append(Spacer(1, 4))

    page_width, page_height = A4

    class NumberedCanvas(rl_canvas.Canvas):
        """Defers page output so each footer can say "Page N of M"."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._draw_furniture(number, total)
                super().showPage()
            super().save()

        def _draw_furniture(self, number: int, total: int) -> None:
            self.saveState()
            if number == 1:
                # The sample notice sits above the running header so it is the
                # first line of the text layer.
                self.setFont("DejaVuSans-Oblique", 8)
                self.drawCentredString(page_width / 2, page_height - 1.0 * cm, NOTICE)
            self.setFont("DejaVuSans", 8.5)
            self.drawCentredString(page_width / 2, page_height - 1.6 * cm, PDF_RUNNING_HEADER)
            self.line(
                2.5 * cm, page_height - 1.8 * cm, page_width - 2.5 * cm, page_height - 1.8 * cm
            )
            self.line(2.5 * cm, 1.9 * cm, page_width - 2.5 * cm, 1.9 * cm)
            self.drawString(2.5 * cm, 1.4 * cm, PDF_RUNNING_FOOTER)
            self.drawRightString(page_width - 2.5 * cm, 1.4 * cm, f"Page {number} of {total}")
            self.restoreState()

    path = out_dir / PDF_NAME
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.6 * cm,
        bottomMargin=2.6 * cm,
        title="Ministerial Conference on Organised Crime and Firearms Trafficking in the Danube Region (sample)",
        author="Briefer sample library",
        subject=NOTICE,
        creator="Briefer scripts/make_sample.py",
        invariant=1,
    )
    doc.build(story, canvasmaker=NumberedCanvas)
    return path


def generate(out_dir: Path) -> list[Path]:
    """Write every generated sample document into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_docx(out_dir), write_pdf(out_dir), write_cp1250(out_dir)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    for path in generate(args.out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

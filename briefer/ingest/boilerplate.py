"""Boilerplate cleaning, the same for every format: page furniture out, every removal kept.

Web copies of communiqués carry navigation, photo captions and credits, bylines, agency
codes, republisher lines, share widgets and press-contact blocks. Each rule below is
data: a name (shown to the user beside the removed line) and a pattern for a *whole*
line, so a rule never cuts into a sentence. Rules that need context (a caption directly
above its credit, the contact lines under "Press contacts:", the numbered navigation
list around skip links) are small functions over the block list.

Nothing is lost: every removed line is kept on the document with its rule, and a line
edited in place (the stray " i" link markers of some republishing sites) is kept as it
was before the edit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from briefer.ingest.dates import parse_date
from briefer.ingest.model import ExtractedDocument, RawBlock, RemovedLine

MAX_FURNITURE_CHARS = 200  # no boilerplate line is longer: a longer line is content


@dataclass(frozen=True)
class LineRule:
    name: str
    pattern: re.Pattern[str]


def _rule(name: str, *patterns: str, flags: int = re.IGNORECASE) -> list[LineRule]:
    return [LineRule(name, re.compile(p, flags)) for p in patterns]


_NUM = r"(?:\d{1,2}[.)]\s*|[-*•]\s*)?"  # a numbered or bulleted navigation list item

LINE_RULES: list[LineRule] = [
    *_rule(
        "skip-link",
        rf"^{_NUM}(?:skip|jump|go|move)\s+(?:directly\s+)?to\b.{{0,60}}$",
        rf"^{_NUM}(?:zum|direkt zum)\s+(?:inhalt|hauptinhalt|hauptmenü|menü)(?:\s+springen)?$",
        rf"^{_NUM}(?:inhalt|navigation)\s+überspringen$",
        rf"^{_NUM}(?:aller|passer)\s+(?:au|à la)\s+(?:contenu|navigation).{{0,30}}$",
        rf"^{_NUM}(?:skoči|preskoči|prijeđi|pređi|idi)\s+(?:do|na)\s+.{{0,40}}$",
        rf"^{_NUM}(?:пређи|прескочи|скокни|оди)\s+(?:на|до)\s+.{{0,40}}$",
        rf"^{_NUM}(?:naar|ga naar)\s+(?:de\s+)?(?:inhoud|hoofdinhoud|navigatie)$",
        r"^(?:back to top|to top|top of page|nach oben|na vrh)\s*[↑^]?$",
    ),
    *_rule(
        "breadcrumb",
        r"^(?:home|startseite|domov|naslovnica|početna|начало|почетна|accueil)\s*[>›»/|].{0,150}$",
    ),
    *_rule(
        "photo-credit",
        r"^(?:image|images|photo|photos|photograph|picture|pictures|foto|fotografija|fotografije|"
        r"bild|bilder|slika|slike|фото|фотографија|credit|credits|photo credit|image credit|"
        r"image source|source of the photo|bildquelle|vir fotografije|izvor fotografije)"
        r"\s*(?:\([^)]{0,40}\))?(?:\s*[:|]|\s+[–—-]\s)\s*.{0,150}$",
        r"^(?:©|\(c\)|copyright\b).{0,150}$",
        r"^.{0,120}\|\s*(?:author|photo|foto|credit|autor|avtor|bild|image)\b\s*:?.{0,80}$",
        r"^.{0,150}\((?:photo|foto|image|bild|credit)\s*:[^)]{0,80}\)$",
        r"^(?:group photo|family photo|gruppenfoto|skupinska fotografija|zajednička fotografija)$",
    ),
    *_rule(
        "byline",
        # Agency codes at the end of wire stories: "jil/bk (Reuters/EU)", "dj/rc (AFP, dpa)".
        r"^[a-z]{2,4}(?:/[a-z]{2,4})+\s*(?:\([^)]{1,60}\))?$",
        r"^\([a-z]{2,4}(?:/[a-z]{2,4})+(?:,\s*[\w .-]{2,30}){0,4}\)$",
        # "By Jane Doe": names are capitalised, so this rule is case-sensitive.
        r"^(?i:by|von|par|di|avtor|autor|author|written by|text)\s*:?\s+"
        r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w.'’-]+(?:\s+(?:and|und|et|in|i|&)?\s*[A-ZÀ-ÖØ-ÞĀ-Ž][\w.'’-]+){0,4}$",
        r"^(?i:date|datum)\s*:?\s*[\d./ -]{6,12}\s*\|\s*(?i:author|autor)\b.{0,80}$",
        r"^\((?i:reuters|afp|ap|dpa|ansa|tanjug|beta|fena|hina|sta|mia|ata|efe|apa)\)$",
        flags=0,
    ),
    *_rule(
        "share-widget",
        r"^(?:(?:share|print|e-?mail|tweet|facebook|twitter|linkedin|whatsapp|telegram|x|"
        r"reddit|pinterest|xing|copy link|send|save|pdf|rss|follow us|share this(?: page| article"
        r"| story| post)?|share on \w+|print friendly, pdf (?:&|and) email|print this page|"
        r"teilen|drucken|natisni|deli|podijeli|ispis|delen|printen)"
        r"[\s,:;|/·•]*){1,8}$",
    ),
    *_rule(
        "comments-closed",
        r"^(?:comments are closed\.?|leave a (?:comment|reply)\.?|"
        r"you must be logged in to post a comment\.?|no comments yet\.?)$",
    ),
    *_rule(
        "check-against-delivery",
        r"^[(\[]?(?:check against delivery|es gilt das gesprochene wort|"
        r"seul le prononcé fait foi)[)\]]?\.?$",
    ),
    *_rule(
        "aggregator",
        r"^.{1,120}\|\s*(?:press release|news release|statement|news)\s*\|\s*distributed by\b.{0,150}$",
        r"^distributed by\s+.{1,80}\s+on\s+.{4,40}$",
        r"^(?:this (?:press release|article|story) (?:was )?(?:distributed|provided) by)\b.{0,150}$",
    ),
    *_rule(
        "web-furniture",
        r"^(?:visit|see|go to|view|open)\s+the\s+(?:\w+\s+){0,2}(?:page|website|site|section)$",
        r"^(?:tags?|keywords?|categories|category|topics?|oznake|ključne besede|schlagwörter|"
        r"schlagworte|mots-clés)\s*:.{0,150}$",
        r"^(?:related|more|latest|other|similar)\s+(?:news|articles|stories|documents|links|"
        r"content|press releases|items|topics)$",
        r"^(?:read more|read the full (?:article|story|text)|see also|back to (?:news|list|"
        r"overview|all news)|print this (?:page|article)|subscribe to (?:our )?newsletter)\s*[»›>]?$",
        r"^(?:last (?:updated|modified|reviewed)|updated|zadnja sprememba|zuletzt aktualisiert|"
        r"posodobljeno)\s*:?\s*(?:on\s+)?[\w ,./:-]{4,40}$",
    ),
    *_rule(
        "contact-line",
        r"^general public inquiries\s*:.{0,150}$",
    ),
    *_rule(
        "council-furniture",
        r"^\d{4,5}/\d{2}(?:\s+(?:rev|add|cor)\s*\d*)*(?:\s+[\w/.]{1,12}){0,6}\s+(?:limite\s+)?[A-Z]{2}$",
        r"^(?:[A-Z]{2,5}\s+){1,3}[\dA-Z.]{1,4}\s+limite\s+[A-Z]{2}$",
    ),
    *_rule(
        "cookie-notice",
        r"^(?:this (?:web)?site uses cookies|we use cookies|by (?:continuing|using) (?:to browse|this "
        r"(?:web)?site)).{0,180}$",
        r"^(?:accept(?: all)?(?: cookies)?|reject(?: all)?(?: cookies)?|cookie (?:settings|preferences|"
        r"policy)|manage cookies|i agree|ok,? got it)$",
    ),
    *_rule("end-marker", r"^[-–—(\[#* ]*(?:ends|end|kraj|konec|fin)[-–—)\]#* ]*$"),
    *_rule("separator", r"^[^\w\s]+(?:\s+[^\w\s]+){0,20}$"),  # "* * *", "———", "•"
    *_rule(
        "sample-notice",
        r"^fictional sample text for briefer\s*[—–-]+\s*not an official document\.?$",
    ),
]

# Republisher lines, in any language: "<how> <publisher>, <published on> <date>".
REPUBLISHER_RULES: list[re.Pattern[str]] = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(?:met dank overgenomen van|overgenomen van|bron)\s*:?\s*(?P<publisher>.+?),?\s+"
        r"(?:gepubliceerd|verschenen)\s+op\s+(?P<date>.+?)\.?$",
        r"^(?:republished|reproduced|reprinted|re-published)\s+(?:with (?:kind )?permission\s+)?"
        r"(?:from|of)\s+(?P<publisher>.+?)(?:,?\s*(?:originally\s+)?published\s+(?:on\s+)?"
        r"(?P<date>.+?))?\.?$",
        r"^(?:this (?:article|text|statement|press release) was )?originally published (?:by|in|on)\s+"
        r"(?P<publisher>.+?)(?:,?\s+on\s+(?P<date>.+?))?\.?$",
        r"^(?:quelle|übernommen von|mit freundlicher genehmigung von)\s*:?\s*(?P<publisher>.+?)"
        r"(?:,?\s+(?:veröffentlicht|erschienen)\s+(?:am\s+)?(?P<date>.+?))?\.?$",
        r"^(?:source|vir|izvor|извор|source originale)\s*:\s*(?P<publisher>[^.]{2,120}?)"
        r"(?:,?\s+(?:published|objavljeno)\s+(?:on\s+)?(?P<date>.+?))?\.?$",
        r"^(?:kerngegevens|documentdatum.{0,40}|publicatiedatum.{0,40})$",
    )
]

# Publishers named in another language are shown in English (a briefing cites "European
# Commission", not "Europese Commissie"); an unknown name is kept as written. Keys are
# compared case-folded, without a leading article or a trailing "(EC)"-style acronym.
INSTITUTION_NAMES: dict[str, tuple[str, ...]] = {
    "European Commission": (
        "european commission",
        "europese commissie",
        "europäische kommission",
        "commission européenne",
        "commissione europea",
        "comisión europea",
        "comissão europeia",
        "komisja europejska",
        "evropska komisija",
        "европска комисија",
        "evropská komise",
        "európska komisia",
        "európai bizottság",
        "comisia europeană",
        "европейска комисия",
        "ευρωπαϊκή επιτροπή",
        "europeiska kommissionen",
        "europa-kommissionen",
        "euroopan komissio",
        "euroopa komisjon",
        "eiropas komisija",
        "europos komisija",
        "il-kummissjoni ewropea",
        "komisioni evropian",
    ),
    "Council of the European Union": (
        "council of the european union",
        "council of the eu",
        "raad van de europese unie",
        "rat der europäischen union",
        "conseil de l'union européenne",
        "consiglio dell'unione europea",
        "consejo de la unión europea",
        "conselho da união europeia",
        "rada unii europejskiej",
        "svet evropske unije",
        "vijeće europske unije",
        "савет европске уније",
        "savet evropske unije",
        "rada evropské unie",
        "rada európskej únie",
        "az európai unió tanácsa",
        "consiliul uniunii europene",
        "съвет на европейския съюз",
        "συμβούλιο της ευρωπαϊκής ένωσης",
        "europeiska unionens råd",
        "rådet for den europæiske union",
        "euroopan unionin neuvosto",
    ),
    "European Council": (
        "european council",
        "europese raad",
        "europäischer rat",
        "conseil européen",
        "consiglio europeo",
        "consejo europeo",
        "conselho europeu",
        "rada europejska",
        "evropski svet",
        "europsko vijeće",
        "европски савет",
        "evropski savet",
        "evropská rada",
        "európska rada",
        "európai tanács",
        "consiliul european",
        "европейски съвет",
        "ευρωπαϊκό συμβούλιο",
        "europeiska rådet",
        "det europæiske råd",
        "eurooppa-neuvosto",
    ),
    "European Parliament": (
        "european parliament",
        "europees parlement",
        "europäisches parlament",
        "parlement européen",
        "parlamento europeo",
        "parlamento europeu",
        "parlament europejski",
        "evropski parlament",
        "europski parlament",
        "европски парламент",
        "evropský parlament",
        "európsky parlament",
        "európai parlament",
        "parlamentul european",
        "европейски парламент",
        "ευρωπαϊκό κοινοβούλιο",
        "europaparlamentet",
        "europa-parlamentet",
        "euroopan parlamentti",
    ),
    "European External Action Service": (
        "european external action service",
        "europese dienst voor extern optreden",
        "europäischer auswärtiger dienst",
        "service européen pour l'action extérieure",
        "servizio europeo per l'azione esterna",
        "servicio europeo de acción exterior",
        "serviço europeu para a ação externa",
        "europejska służba działań zewnętrznych",
    ),
}
_INSTITUTIONS = {
    variant: english for english, variants in INSTITUTION_NAMES.items() for variant in variants
}
_NAME_ARTICLE = re.compile(r"^(?:the|de|het|die|der|la|le|l'|il|el|o|a)\s+", re.IGNORECASE)
_NAME_ACRONYM = re.compile(r"\s*\([^()]{1,12}\)\s*$")


def publisher_in_english(name: str | None) -> str | None:
    """The English name of a common EU institution named in another language, else ``name``."""
    if not name:
        return name
    key = _NAME_ACRONYM.sub("", " ".join(name.split()))
    key = _NAME_ARTICLE.sub("", key).casefold().replace("’", "'")
    return _INSTITUTIONS.get(key, name)


# "Published: 11. 12. 2023": page furniture whose date is the publication date.
PUBLISHED_LINE = re.compile(
    r"^(?:published|posted|first published|date of publication|publication date|date|datum|"
    r"objavljeno|objavljen|veröffentlicht(?:\s+am)?|erschienen am|publié le|publicatiedatum|"
    r"gepubliceerd op|опубликовано|објављено)\s*:?\s*(?:on\s+)?(?P<date>.{6,40})$",
    re.IGNORECASE,
)

# A stray "i" left by an info-link icon after a linked name ("Avramopoulos i,"). A no-break
# space before it is the icon's own signature; after a plain space, only before punctuation,
# so Slavic "i" ("Bosna i Hercegovina") is never touched.
# (The literal comes first so the scan is fast; the look-behind is checked only there.)
_LINK_MARKER = re.compile(r"(?:\u00a0i(?=[\s,.;:)]|$)| i(?=[,.;:)]))(?<=[\w)][\u00a0 ]i)")
# Once a document shows such markers, an "i" after a name and before a lowercase word
# ("Lindqvist i and") is one too; Slavic "i" joins capitalised names ("Bosna i Hercegovina").
_LOOSE_LINK_MARKER = re.compile(r"\b([A-ZÀ-Ž][^\W\d_]{1,40}) i(?= [a-z])")

_PRESS_HEADER = re.compile(
    r"^(?:press|media)\s+(?:contacts?|enquiries|inquiries|office)|^contacts?\s+(?:for the )?"
    r"(?:press|media)|^pressekontakte?\b|^pressestelle\b|^kontakt(?:i)? za (?:medije|javnost)\b|"
    r"^contacts? presse\b|^persvoorlichting\b|^perscontact\b|^for (?:further|more) information"
    r"(?: please)? contact\b|^spokesperson\s*:|^for media inquiries\b",
    re.IGNORECASE,
)
_CONTACT_LINE = re.compile(
    r"@|\+?\d[\d ()/.-]{6,}\d|\b(?:tel|phone|fax|mob|mobile|e-?mail|telefon|telephone)\b\s*[.:]?|"
    r"https?://|www\.|inquiries|enquiries|spokesperson|press officer|europe direct",
    re.IGNORECASE,
)
_CONTACT_LABEL = re.compile(
    r"^(?:mail|e-?mail|phone|tel\.?|telephone|fax|mobile|mob\.?|gsm|telefon|address|adresse)\s*:?$",
    re.IGNORECASE,
)
_CREDIT_FOR_CAPTION = {"photo-credit"}
_SENTENCE_END = re.compile(r"[.!?:;\"”»]$")


def clean(document: ExtractedDocument) -> ExtractedDocument:
    """The document without its boilerplate; removed lines and republisher metadata kept."""
    removed = list(document.removed)
    publisher = document.publisher
    published = document.published
    loose = any(_LINK_MARKER.search(block.text) for block in document.blocks)
    blocks = [_strip_link_markers(block, removed, loose) for block in document.blocks]

    verdicts: list[str | None] = []
    for block in blocks:
        verdict = None
        if len(block.text) <= MAX_FURNITURE_CHARS:
            verdict = line_rule(block.text)
            if verdict is None:
                date = _published_line(block.text)
                if date is not None:
                    verdict = "published-line"
                    published = published or date
            if verdict is None:
                found = republisher(block.text)
                if found is not None:
                    verdict = "republisher"
                    name, date = found
                    publisher = publisher or name
                    published = published or date
        verdicts.append(verdict)

    _mark_captions(blocks, verdicts)
    _mark_press_contacts(blocks, verdicts)
    _mark_navigation_lists(blocks, verdicts)

    kept: list[RawBlock] = []
    for block, verdict in zip(blocks, verdicts, strict=True):
        if verdict is None:
            kept.append(block)
        else:
            removed.append(RemovedLine(block.text, verdict))
    publisher = publisher_in_english(publisher)
    return replace(document, blocks=kept, removed=removed, publisher=publisher, published=published)


def line_rule(line: str) -> str | None:
    """The name of the rule that makes this whole line boilerplate, or None."""
    text = " ".join(line.split())
    for rule in LINE_RULES:
        if rule.pattern.match(text):
            return rule.name
    return None


def republisher(line: str) -> tuple[str | None, object] | None:
    """(publisher, publication date) when the line credits a republished copy, else None."""
    text = " ".join(line.split())
    for pattern in REPUBLISHER_RULES:
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groupdict()
        name = (groups.get("publisher") or "").strip(" ,.") or None
        date = parse_date(groups["date"]) if groups.get("date") else None
        return name, date
    return None


def _published_line(line: str) -> dt.date | None:
    match = PUBLISHED_LINE.match(" ".join(line.split()))
    return parse_date(match.group("date")) if match else None


def _strip_link_markers(block: RawBlock, removed: list[RemovedLine], loose: bool) -> RawBlock:
    if "i" not in block.text:
        return block
    text = _LINK_MARKER.sub("", block.text)
    if loose:
        text = _LOOSE_LINK_MARKER.sub(r"\1", text)
    if text == block.text:
        return block
    removed.append(RemovedLine(block.text, "link-marker"))
    return replace(block, text=text)


def _mark_captions(blocks: list[RawBlock], verdicts: list[str | None]) -> None:
    """A short, unpunctuated line directly above a credit, in the same paragraph, is its caption."""
    for i in range(1, len(blocks)):
        if verdicts[i] not in _CREDIT_FOR_CAPTION or verdicts[i - 1] is not None:
            continue
        above, credit = blocks[i - 1], blocks[i]
        if above.group is None or above.group != credit.group:
            continue
        if len(above.text) <= 160 and not _SENTENCE_END.search(above.text.rstrip()):
            verdicts[i - 1] = "photo-caption"


def _mark_press_contacts(blocks: list[RawBlock], verdicts: list[str | None]) -> None:
    """A press-contacts header and the contact lines (names, phones, e-mails) under it."""
    i = 0
    while i < len(blocks):
        if not (len(blocks[i].text) <= MAX_FURNITURE_CHARS and _PRESS_HEADER.match(blocks[i].text)):
            i += 1
            continue
        verdicts[i] = "press-contacts"
        j = i + 1
        while j < len(blocks) and _is_contact_line(blocks[j].text):
            verdicts[j] = "press-contacts"
            j += 1
        i = j


def _is_contact_line(text: str) -> bool:
    if len(text) > MAX_FURNITURE_CHARS:
        return False
    if _CONTACT_LINE.search(text) or _CONTACT_LABEL.match(text):
        return True
    # A bare name ("Christian WIGAND"): two to five capitalised words, no sentence punctuation.
    words = text.split()
    return (
        2 <= len(words) <= 5
        and not _SENTENCE_END.search(text)
        and all(w[:1].isupper() for w in words)
    )


def _mark_navigation_lists(blocks: list[RawBlock], verdicts: list[str | None]) -> None:
    """Numbered menus ("1. Home", "2. The Ministry"…) next to skip links or above the text.

    A run of three or more short numbered lines counting up from 1, with no sentence
    punctuation, before the first real paragraph (or touching a skip link) is a menu.
    """
    first_paragraph = next(
        (i for i, b in enumerate(blocks) if verdicts[i] is None and len(b.text) > 200),
        len(blocks),
    )
    i = 0
    while i < len(blocks):
        run = _menu_run(blocks, verdicts, i)
        if len(run) >= 3 or (run and _touches_skip_link(verdicts, run)):
            if run[0] < first_paragraph or _touches_skip_link(verdicts, run):
                for j in run:
                    verdicts[j] = "navigation"
            i = run[-1] + 1
        else:
            i += 1


def _menu_run(blocks: list[RawBlock], verdicts: list[str | None], start: int) -> list[int]:
    run: list[int] = []
    expected = 1
    j = start
    while j < len(blocks):
        if verdicts[j] == "skip-link":
            j += 1
            expected += 1
            continue
        match = _MENU_ITEM.match(blocks[j].text)
        if verdicts[j] is not None or match is None or int(match.group(1)) != expected:
            break
        run.append(j)
        expected += 1
        j += 1
    return run


def _touches_skip_link(verdicts: list[str | None], run: list[int]) -> bool:
    neighbours = (run[0] - 1, run[-1] + 1)
    return any(0 <= n < len(verdicts) and verdicts[n] == "skip-link" for n in neighbours)


_MENU_ITEM = re.compile(r"^(\d{1,2})[.)]\s+[^\s.!?;:,]+(?:\s+[^\s.!?;:,]+){0,4}$")

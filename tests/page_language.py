"""What a rendered page must not show in its language: words of the other language, names from the code's
namespace (snake_case), and in Dutch a decimal point or a negative zero. Used by the book tests (two chapters rendered) and the browser tests
(every page of both languages)."""
import re
from html.parser import HTMLParser

DUTCH_DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
NOT_A_NUMBER = re.compile(r"\b(?:Tabel|Figuur|secties?|rapport,|in|en|BY) \d+(?:\.\d+)+"   # a table, figure or report section
                          r"|(?:\(|\), )[1-4]\.[1-3](?![\d.,])"                           # a report section: (1.1), 1.2
                          r"|(?<![\w.,])[1-4]\.[1-3] (?=[A-Z])"                            # a section's title: 1.1 Werk vs. …
                          r"|(?<![\w.,])\d{1,3}(?:\.\d{3})+(?![\w.,])")                   # Dutch thousands: 171.333
NEGATIVE_ZERO = re.compile(r"[-−]0,0+(?![0-9]*[1-9])")
CODE_NAME = re.compile(r"(?<![\w.])[a-z]{2,}_[a-z0-9_]+(?![\w]*\.(?:csv|png|svg|html))(?!\.[a-z])")   # a file name is no code


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Visible(HTMLParser):
    """A page's visible text, the cells of its tables and the alt texts of its images; with `lang`, what an element
    marked as another language holds (the study's title, a place name) is left out, and so are the report's own
    words a page quotes (<q>, Chapter.quote): cited as written, in the report's language and number style. The
    <title> is kept apart (`title`): it names the run, a name the user chose, not a word of the page."""

    def __init__(self, lang: str | None = None):
        super().__init__()
        self.text, self.cells, self.alts, self._skip, self._cell = [], [], [], 0, None
        self.lang, self._open = lang, []   # the open elements, each with whether it is in another language
        self.title, self._in_title = [], False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        other = (self.lang is not None and attributes.get("lang", self.lang).split("-")[0] != self.lang and tag != "html"
                 or "variable-name" in (attributes.get("class") or "").split())   # a name in the data, not a word
        other = other or tag in ("code", "pre", "q")   # code (a model's lavaan syntax, a file name) is no word of the page
        if tag not in VOID:
            self._open.append((tag, other))
        self._skip += tag in ("style", "script") or other
        self._cell = [] if tag == "td" else self._cell
        self._in_title = self._in_title or tag == "title"
        self.alts += [value for name, value in attrs if name == "alt"]

    def handle_endtag(self, tag):
        while self._open:   # close what the tag closes (HTML lets some end tags be left out)
            opened, other = self._open.pop()
            self._skip -= other
            if opened == tag:
                break
        self._skip -= tag in ("style", "script")
        self._in_title = self._in_title and tag != "title"
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.text.append(data)
            if self._cell is not None:
                self._cell.append(data)


OTHER_LANGUAGE = {"nl": ["the", "and", "with", "which", "Table", "Figure", "Previous", "Next", "Chapters", "respondents",
                         "Versions", "Source", "Base", "users", "not shown", "Report", "staff", "choice", "positive", "negative",
                         "report", "CI", "synthetic data", "notebook", "missing", "estimator", "Statistic", "English", "page"],
                  "en": ["het", "een", "van de", "Tabel", "Figuur", "Vorige", "Volgende", "Hoofdstukken", "respondenten",
                         "Bron", "Basis", "gebruikers", "niet getoond", "keuze", "rapport", "BI", "synthetische", "pagina",
                         "Nederlands", "gemiddelde"]}
LEADING_POINT = re.compile(r"(?<![\w.,])\.\d+")   # '.001' (APA's p without its zero) in English notation


def foreign(html: str, lang: str) -> list[str]:
    """The words of the other language, code names and, on a Dutch page, the numbers written the English
    way, in the page's visible text (up to its references, cited as written), table cells and alt texts."""
    page = Visible(lang)
    page.feed(html)
    text = re.split(r"(?:Referenties|References) ¶", re.sub(r"\s+", " ", " ".join(page.text)))[0]
    found = [w for w in OTHER_LANGUAGE[lang] if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", " ".join([*page.title, text]))]
    found += CODE_NAME.findall(re.split(r"Versies van de pakketten|Versions of the packages", text)[0])
    if lang == "nl":
        found += [m.group(0) for c in [text, *page.cells, *page.alts] for pattern in (DUTCH_DECIMAL_POINT, NEGATIVE_ZERO, LEADING_POINT)
                  for m in pattern.finditer(NOT_A_NUMBER.sub("", c))]
    return found

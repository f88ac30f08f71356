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


class Visible(HTMLParser):
    """A page's visible text, the cells of its tables and the alt texts of its images; the report's own words a
    page quotes (<q>, Chapter.quote) are cited as written, in the report's language and number style: left out."""

    SKIPPED = ("style", "script", "q")

    def __init__(self):
        super().__init__()
        self.text, self.cells, self.alts, self._skip, self._cell = [], [], [], 0, None

    def handle_starttag(self, tag, attrs):
        self._skip += tag in self.SKIPPED
        self._cell = [] if tag == "td" else self._cell
        self.alts += [value for name, value in attrs if name == "alt"]

    def handle_endtag(self, tag):
        self._skip -= tag in self.SKIPPED
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)
            if self._cell is not None:
                self._cell.append(data)


OTHER_LANGUAGE = {"nl": ["the", "and", "with", "which", "Table", "Figure", "Previous", "Next", "Chapters", "respondents",
                         "Versions", "Source", "Base", "users", "not shown", "Report", "staff"],
                  "en": ["het", "een", "van de", "Tabel", "Figuur", "Vorige", "Volgende", "Hoofdstukken", "respondenten",
                         "Bron", "Basis", "gebruikers", "niet getoond"]}


def foreign(html: str, lang: str) -> list[str]:
    """The words of the other language, code names and, on a Dutch page, the numbers written the English
    way, in the page's visible text (up to its references, cited as written), table cells and alt texts."""
    page = Visible()
    page.feed(html)
    text = re.split(r"(?:Referenties|References) ¶", re.sub(r"\s+", " ", " ".join(page.text)))[0]
    found = [w for w in OTHER_LANGUAGE[lang] if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]
    found += CODE_NAME.findall(re.split(r"Versies van de pakketten|Versions of the packages", text)[0])
    if lang == "nl":
        found += [m.group(0) for c in [text, *page.cells, *page.alts] for pattern in (DUTCH_DECIMAL_POINT, NEGATIVE_ZERO)
                  for m in pattern.finditer(NOT_A_NUMBER.sub("", c))]
    return found

"""The message catalogue (data/messages.yaml): report texts in Dutch and English.

>>> t("col_n", "en")
'n'
>>> t("flow_title", "nl", n_in=576, n_out=478)
'Van 576 antwoorden naar 478 respondenten'
"""
import re
from functools import lru_cache

import yaml

from helpers.ingest.codebook import LANGS, check_lang  # noqa: F401  (re-exported for the presentation modules)
from helpers.paths import DATA_DIR


MESSAGES = DATA_DIR / "messages.yaml"


def catalogue() -> dict[str, dict[str, str]]:
    """The catalogue as data/messages.yaml holds it now (read again when the file changes, so a running
    kernel sees a key just added)."""
    return _read_catalogue(MESSAGES.stat().st_mtime_ns)


@lru_cache(maxsize=1)
def _read_catalogue(version: int) -> dict[str, dict[str, str]]:
    return yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))


def is_key(key: str) -> bool:
    """Whether `key` is a message of the catalogue (else a text given as it is, such as a researcher's title)."""
    return key in catalogue()


def t(key: str, lang: str = "nl", **values) -> str:
    """The message `key` in `lang`, with its placeholders filled in."""
    check_lang(lang)
    return catalogue()[key][lang].format(**values)


def listing(names: list[str], lang: str) -> str:
    """'a, b and c' in the page's language ('none' when empty)."""
    if not names:
        return t("none", lang)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {t('finding_and', lang)} {names[-1]}"


def format_p(p: float) -> str:
    """APA style: '< .001', otherwise three decimals without the leading zero ('.032'); '—' when missing."""
    if p != p:   # NaN: the test could not be computed
        return "—"
    return "< .001" if p < 0.001 else f"{p:.3f}".lstrip("0")


def p_text(p: float) -> str:
    """'p < .001' or 'p = .032': a p value as a sentence or table cell says it."""
    return f"p {format_p(p)}" if p < 0.001 else f"p = {format_p(p)}"


def alpha_text(alpha: float) -> str:
    """A significance threshold as the report prints it: 0.001 -> '.001'."""
    return f"{alpha:g}".removeprefix("0")


def banner(provenance: dict, lang: str) -> str:
    """The report's first lines (markdown): synthetic data said plainly, or the real source with its checksum;
    then the commit of the code it was built from. The file name comes from outside the code: a code span, so
    whatever it holds (a tag, backticks, asterisks) shows as the name it is, escaped where the markdown becomes HTML."""
    file, commit = code_span(provenance["file"]), provenance.get("commit", "unknown")
    if provenance.get("synthetic"):
        return t("banner_synthetic", lang, file=file, seed=provenance.get("seed", "?"), commit=commit)
    return t("banner_real", lang, file=file, rows=provenance.get("rows", "?"), sha256_short=provenance["sha256"][:12],
             commit=commit)


def code_span(text: str) -> str:
    """`text` as a markdown code span, shown literally: fenced by more backticks than any run of them inside,
    with a space inside each fence (which CommonMark strips), on one line.

    >>> code_span("a`b.csv")
    '`` a`b.csv ``'
    """
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    return f"{fence} {' '.join(text.splitlines())} {fence}"


MINUS = "\u2212"
SEPARATORS = {"nl": (",", "\u00a0", 10_000), "en": (".", ",", 1_000)}   # decimal mark, thousands mark, from
NUMBER = re.compile(r"(?<![\w.,])(?<!sectie )(?<!section )(?<!secties )(?<!sections )(?<!Tabel )(?<!Table )(?<!Figuur )(?<!Figure )"
                    r"[-\u2212]?(?:\d+\.\d+|\.\d+|\d+)(?![\w]|\.\d)")   # a section's or table's number is no number
INTERVAL = re.compile(r"\[([^\[\],]+), ([^\[\],]+)\]")


def number(value: float, decimals: int = 1, lang: str = "nl") -> str:
    """A number as the page's language writes it: Dutch with a decimal comma and, from 10 000 on, a
    no-break space between thousands (as CBS and ISO 80000 write them); English with a point and commas;
    a real minus sign, and never a negative zero (what rounds to zero is 0).

    >>> number(-1234.567, 2, "nl"), number(-0.001, 2, "nl"), number(12345, 0, "nl"), number(12345.6, 1, "en")
    ('−1234,57', '0,00', '12\\xa0345', '12,345.6')
    """
    decimal, thousands, from_ = SEPARATORS[lang]
    rounded = round(float(value), decimals) + 0.0   # + 0.0 turns -0.0 into 0.0
    whole, _, fraction = f"{abs(rounded):,.{decimals}f}".partition(".")
    whole = whole.replace(",", thousands if abs(rounded) >= from_ else "")
    return (MINUS if rounded < 0 else "") + whole + (decimal + fraction if fraction else "")


def interval(low: float, high: float, decimals: int, lang: str = "nl") -> str:
    """A confidence interval as the page's language writes it: '[0.12, 0.34]', in Dutch '[0,12; 0,34]'.

    >>> interval(-0.123, 0.5, 2, "nl")
    '[−0,12; 0,50]'
    """
    separator = "; " if lang == "nl" else ", "
    return f"[{number(low, decimals, lang)}{separator}{number(high, decimals, lang)}]"


PRINTED_NUMBER = {"nl": re.compile(r"[−-]?(\d{1,3}(\u00a0\d{3})+|\d*)(,\d+)?"), "en": re.compile(r"[−-]?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?")}


def parse(text: str, lang: str = "nl") -> float | None:
    """A number as `number` (or a table cell) prints it, read back; None when `text` is not one number.

    >>> parse("12\u00a0345,6", "nl"), parse("−0,50", "nl"), parse(",032", "nl"), parse("1,234.5", "en"), parse("[c]", "en")
    (12345.6, -0.5, 0.032, 1234.5, None)
    """
    text = text.strip()
    if not any(c.isdigit() for c in text) or not PRINTED_NUMBER[lang].fullmatch(text):
        return None
    decimal, thousands, _ = SEPARATORS[lang]
    return float(text.replace(MINUS, "-").replace(thousands, "").replace(decimal, "."))


def localise(text: str, lang: str = "nl") -> str:
    """The numbers inside a text written as `number` writes them (decimal mark, real minus, no negative
    zero; the digits as given), and in Dutch an interval's comma a semicolon ('[0,12; 0,34]').

    >>> localise("M = 3.58, d = -0.00, p < .001, 95% CI [-0.12, 0.34]", "nl")
    'M = 3,58, d = 0,00, p < ,001, 95% CI [−0,12; 0,34]'
    >>> localise("sectie 1.1, Tabel 2.3: 1.5", "nl")
    'sectie 1.1, Tabel 2.3: 1,5'
    """
    def rewrite(match: re.Match) -> str:
        token = match.group(0)
        negative = token[0] in "-\u2212" and any(c in "123456789" for c in token)
        digits = token.lstrip("-\u2212")
        return (MINUS if negative else "") + (digits.replace(".", SEPARATORS[lang][0]))

    text = INTERVAL.sub(r"[\1; \2]", text) if lang == "nl" else text
    return NUMBER.sub(rewrite, text)

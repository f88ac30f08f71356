"""The message catalogue (data/messages.yaml): report texts in Dutch and English.

>>> t("col_n", "en")
'n'
>>> t("flow_title", "nl", n_in=576, n_out=478)
'Van 576 antwoorden naar 478 respondenten'
"""
import html
from functools import lru_cache

import yaml

from helpers.ingest.codebook import LANGS, check_lang  # noqa: F401  (re-exported for the presentation modules)
from helpers.paths import DATA_DIR


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    return yaml.safe_load((DATA_DIR / "messages.yaml").read_text(encoding="utf-8"))


def t(key: str, lang: str = "nl", **values) -> str:
    """The message `key` in `lang`, with its placeholders filled in."""
    check_lang(lang)
    return catalogue()[key][lang].format(**values)


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
    then the commit of the code it was built from. The file name comes from outside the code: HTML-escaped,
    so a name like a tag shows as text."""
    file, commit = html.escape(provenance["file"]), provenance.get("commit", "unknown")
    if provenance.get("synthetic"):
        return t("banner_synthetic", lang, file=file, seed=provenance.get("seed", "?"), commit=commit)
    return t("banner_real", lang, file=file, rows=provenance.get("rows", "?"), sha256_short=provenance["sha256"][:12],
             commit=commit)

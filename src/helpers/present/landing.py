"""The landing pages, rendered from a Jinja template (templates/landing/page.html.j2, autoescaped): a run's
index in the run's language (the study and its reference, where to begin, the data source, a card per report)
and the index of every run, in Dutch, each run's part in that run's language."""
from __future__ import annotations

from functools import lru_cache

import jinja2
from markupsafe import Markup
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from helpers.paths import TEMPLATES_DIR
from helpers.present.book import language_link
from helpers.present.context import study_reference
from helpers.present.text import banner, number, t

LANG = "nl"   # the language of reports/index.html: the study's


@lru_cache(maxsize=2)
def template(name: str = "page.html.j2") -> jinja2.Template:
    """A template of templates/landing/ (the landing pages', the combined document's), autoescaped."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "landing"), autoescape=True)
    return environment.get_template(name)


def markdown(text: str) -> Markup:
    """Markdown as HTML, rendered as nbconvert renders a report's markdown cells: the banner (whose one outside
    value, the file name, is a code span: escaped by the renderer) and the study's reference."""
    return Markup(markdown2html_mistune(text))


def run_view(name: str, manifest: dict) -> dict:
    """What the templates show of one run, in its language: its reports, and every numbered table and figure in the
    reports' order with its counterpart in the published report (Chapter.numbering); its data banner and the study's
    reference as HTML; the run in the other language (`twin`), when it was built with this one."""
    lang = manifest.get("lang", "nl")
    reports = [{**o, "time": number(o["seconds"], 1, lang),
                "status": t("status_warnings", lang, n=o["warnings"]) if o["warnings"] else t("status_ok", lang)}
               for o in manifest["reports"].values()]
    numbering = [{**item, "notebook": o["notebook"]} for o in manifest["reports"].values() for item in o.get("numbering", [])]
    return {"name": name, "lang": lang, "source": manifest["source"], "finished": manifest["finished"], "reports": reports,
            "numbering": numbering, "banner": markdown(banner(manifest["source"], lang)),
            "reference": markdown(study_reference(lang)), "document": sorted(manifest.get("document", {}).get("outputs", {})),
            "language": language_link(manifest.get("twin"), lang, "index.html")}


def run_index(name: str, manifest: dict, key: str) -> str:
    """The run's landing page in its language: the study, where to begin, the run."""
    run = run_view(name, manifest)
    return template().render(lang=run["lang"], key=key, title=f"{t('study_title', run['lang'])}: {name}", run=run,
                             t=lambda k, lang=run["lang"]: t(k, lang))


def all_runs(runs: dict[str, dict], key: str) -> str:
    """reports/index.html, in Dutch: the study, then every run (each in its own language)."""
    return template().render(lang=LANG, key=key, title=t("landing_title", LANG), reference=markdown(study_reference(LANG)),
                             runs=[run_view(name, manifest) for name, manifest in runs.items()],
                             t=lambda k, lang=LANG: t(k, lang))

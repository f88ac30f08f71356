"""The landing pages, rendered from a Jinja template (templates/landing/page.html.j2, autoescaped): a run's
index (where to begin, the data source, a card per report) and the index of every run."""
from __future__ import annotations

from functools import lru_cache

import jinja2
from markupsafe import Markup

from helpers.paths import TEMPLATES_DIR
from helpers.present.book import language_link
from helpers.present.text import banner, number, t


@lru_cache(maxsize=2)
def template(name: str = "page.html.j2") -> jinja2.Template:
    """A template of templates/landing/ (the landing pages', the combined document's), autoescaped."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "landing"), autoescape=True)
    return environment.get_template(name)


def run_view(name: str, manifest: dict) -> dict:
    """What the template shows of one run: its reports, and every numbered table and figure in the reports'
    order with its counterpart in the published report (Chapter.numbering); the run in the other language (`twin`),
    when it was built with this one. The banner is markdown whose one outside value (the file name) text.banner has
    escaped already: it is marked safe here, its emphasis dropped."""
    lang = manifest.get("lang", "nl")
    reports = [{**o, "status": f"ok, {o['warnings']} warning(s)" if o["warnings"] else "ok", "time": number(o["seconds"], 1, lang)}
               for o in manifest["reports"].values()]
    numbering = [{**item, "notebook": o["notebook"]} for o in manifest["reports"].values() for item in o.get("numbering", [])]
    return {"name": name, "lang": lang, "source": manifest["source"], "finished": manifest["finished"], "reports": reports,
            "numbering": numbering, "banner": Markup(banner(manifest["source"], lang).replace("**", "")),
            "document": sorted(manifest.get("document", {}).get("outputs", {})),
            "language": language_link(manifest.get("twin"), lang, "index.html")}


def run_index(name: str, manifest: dict, key: str) -> str:
    """The run's landing page in its language: the study, where to begin, the run."""
    run = run_view(name, manifest)
    return template().render(lang=run["lang"], key=key, title=f"{t('study_title', run['lang'])}: {name}", run=run,
                             t=lambda k, lang=run["lang"]: t(k, lang))


def all_runs(runs: dict[str, dict], key: str) -> str:
    """reports/index.html: the study, then every run (each in its own language)."""
    return template().render(lang="en", key=key, title=t("landing_title", "en"),
                             runs=[run_view(name, manifest) for name, manifest in runs.items()],
                             t=lambda k, lang="en": t(k, lang))

"""The report runner: execute the notebooks (papermill), render HTML (nbconvert), only what changed.

    python -m helpers.runner                                       # every report, on the synthetic default
    python -m helpers.runner --lang nl en                          # in both languages, each page linking its twin
    python -m helpers.runner --raw wave2.csv --compare-with synthetic_default --lang en
    python -m helpers.runner --raw export.csv --propose-mapping        # a mapping file proposed beside the export

Each export gets its own folder per language, reports/<export name>/ (Dutch) and reports/<export name>_en/: a page
links the same page in the other language when that language is built in the same run. Per notebook NAME.html for reviewers (no code),
NAME.full.html (with code) and NAME_files/ with its figures (PNG, SVG) and tables (CSV); index.html lists
the run's reports with status, run time and data source (file, rows, SHA-256); book.html holds every reviewer
page in one document (book.pdf too with --pdf; helpers.present.document). reports/index.html lists every
run. Other runs are never touched; the run's name is a safe slug (helpers.runner.workspace).

- Incremental: a notebook runs only when what it reads changed (export, processed data, notebook, helpers
  code, templates and data files, options, environment) or one of its outputs is missing or changed
  (content hashes, helpers.runner.cache). Nothing to do: it says so and stops.
- Parallel: after 01_cleaning the other notebooks run in separate processes (default: one per core), 05 first;
  the report's summaries 00 and 10 once 05 is done, as they read the model's fits it keeps in the run's data
  folder (helpers.analysis.fits); the progress display counts what is done, failed and still to go.
- Atomic and alone: one run per run folder at a time (a lock); reports and processed data are built in
  the run's own staging folder and published only when every notebook succeeded.
- Interruptible: Ctrl-C (or SIGTERM) stops every worker and kernel at once and exits 130, leaving the
  published reports as they were; a runner killed outright takes its workers with it
  (helpers.runner.processes).

Exit codes: 0 done; 1 a notebook failed (its executed copy is kept in build/runs/<run>/failed/); 2 the
export is unusable (the error names file, column, row and value), the export or mapping file is missing, the
run name is unsafe or the weighting's margin unknown; 130 interrupted. With --propose-mapping: 0 a proposal written
(what it could not place listed), 2 the export or the earlier mapping (--from) cannot be read.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

from helpers.ingest.provenance import (
    code_commit,
    provenance,
    sha256_file,
    synthetic_default_is_current,
    write_atomic,
)
from helpers.paths import (
    BUILD_DIR,
    NOTEBOOKS_DIR,
    PROCESSED_DIR,
    REPORTS_DIR,
    ROOT,
    SAFE_NAME,
    SYNTHETIC_DEFAULT_EXPORT,
    TEMPLATES_DIR,
)
from helpers.runner import cache
from helpers.runner.processes import interrupted, uninterrupted, worker_started
from helpers.runner.workspace import (
    UnsafeName,
    Workspace,
    checked_name,
    clear_leftovers,
    fresh_staging,
    locked,
    publish,
    publish_processed,
    read_manifest,
    remove,
    run_names,
    shown_as,
    write_manifest,
)

KERNEL = "genai-survey"
COMPARISON = "08_waves"   # runs only when a run is compared with another (--compare-with)
DOCUMENT, PDF = "book.html", "book.pdf"   # the combined reviewer document (helpers.present.document)


@dataclass
class Outcome:
    notebook: str
    title: str
    seconds: float
    warnings: int
    error: str = ""
    key_figure: str = ""
    numbering: list = field(default_factory=list)   # its numbered tables and figures (Chapter.numbering)


class ExportRejected(Exception):
    """The cleaning notebook refused the export (helpers.ingest.io.ExportError): exit code 2."""


def install_kernel(user: bool = False) -> None:
    """Register this environment's Python as the named Jupyter kernel the notebooks ask for: inside the
    environment, or (`user`) in the user's own Jupyter, where any JupyterLab finds it."""
    from ipykernel.kernelspec import install

    install(user=user, prefix=None if user else sys.prefix, kernel_name=KERNEL, display_name=f"Python ({KERNEL})")


def notebooks(only: list[str] | None = None, compare: bool = False, folder: Path | None = None) -> list[Path]:
    """The numbered notebooks in the report's order (of `folder`, default the project's; optionally those whose
    name starts with one of `only`, and always the cleaning notebook): 00 the key findings and introduction,
    01 method and sample, ..., 10 the conclusion; the wave comparison only when there is something to compare
    with. The order is the book's; execute_all runs the cleaning notebook first whatever its place."""
    found = sorted((folder or NOTEBOOKS_DIR).glob("[0-9][0-9]_*.ipynb"))
    found = [nb for nb in found if compare or nb.stem != COMPARISON]
    return [nb for nb in found if not only or nb.stem == cache.CLEANING or any(nb.stem.startswith(o) for o in only)]


# --- One notebook: execute and render (runs in a worker process) -------------------------------

def narrative(nb, lang: str) -> list:
    """The markdown cells a report in `lang` shows (untagged, or tagged lang-<lang>)."""
    def shown(cell) -> bool:
        tags = [tag for tag in cell.get("metadata", {}).get("tags", []) if tag.startswith("lang-")]
        return not tags or f"lang-{lang}" in tags
    return [c for c in nb.cells if c.cell_type == "markdown" and shown(c)]


def title_of(nb, lang: str) -> str:
    for cell in narrative(nb, lang):
        if cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return ""


def count_warnings(nb) -> int:
    """Outputs written to stderr (warnings, logging): a finished report should have none."""
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if o.get("output_type") == "stream" and o.get("name") == "stderr")


@lru_cache(maxsize=4)
def exporter(reviewer: bool, lang: str = "nl"):
    """nbconvert's HTML exporter (the lab template without CDN scripts, images embedded); the reviewer's
    leaves out the code and the cells tagged full-only (what speaks of parameters and code). Narrative cells
    tagged for another language (lang-en, lang-nl) are left out.
    Made once per process: loading the template is the slow part."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    from helpers.present.text import LANGS

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", *(f"lang-{other}" for other in LANGS if other != lang),
                                                     *(["full-only"] if reviewer else [])}
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    return HTMLExporter(config=config, template_name="offline", extra_template_basedirs=[str(TEMPLATES_DIR)],
                        embed_images=True, exclude_input=reviewer,
                        exclude_input_prompt=reviewer, exclude_output_prompt=reviewer, language_code=lang)


def contents(nb, lang: str) -> str:
    """A table of contents of the notebook's sections, linking to nbconvert's heading anchors."""
    from helpers.present.text import t

    headings = [line[3:].strip() for cell in narrative(nb, lang) for line in cell.source.splitlines() if line.startswith("## ")]
    return f"**{t('contents', lang)}:** " + " · ".join(f"[{h}](#{h.replace(' ', '-')})" for h in headings)


def shown_paths(nb, places: dict[str, str]):
    """The executed notebook `nb` with every path of this machine in its cells' sources and outputs (papermill's
    injected parameters, warnings, tracebacks) written as `places` gives it (absolute path -> what the page says:
    where the file is once published), longest first; what else lies in the project is shown relative to it."""
    import nbformat

    nb = nbformat.from_dict(nb)
    places = {**places, f"{ROOT}{os.sep}": ""}
    pattern = re.compile("|".join(re.escape(p) for p in sorted(places, key=len, reverse=True)))

    def shown(value):
        if isinstance(value, str):
            return pattern.sub(lambda m: places[m[0]], value)
        if isinstance(value, list):
            return [shown(v) for v in value]
        return {k: shown(v) for k, v in value.items()} if isinstance(value, dict) else value

    for cell in nb.cells:
        cell.source = shown(cell.source)
        for output in cell.get("outputs", []):
            for key in ("text", "traceback", "evalue", "data"):
                if key in output:
                    output[key] = shown(output[key])
    return nb


def render(executed, target: Path, reviewer: bool, first_lines: str, title: str, lang: str, book: dict | None = None) -> None:
    """One self-contained HTML file in the report's language: the data banner first, then the contents;
    framed by the book (helpers.present.book.frame: chapters, previous/next, languages, downloads)."""
    import nbformat

    nb = nbformat.from_dict(executed)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(first_lines, metadata={"tags": ["run-banner"]}))
    title_cell = next((c for c in narrative(nb, lang) if c.source.startswith("# ")), None)
    heading = nb.cells.index(title_cell) if title_cell is not None else 0
    nb.cells.insert(heading + 1, nbformat.v4.new_markdown_cell(contents(nb, lang)))
    body, _ = exporter(reviewer, lang).from_notebook_node(nb, resources={"metadata": {"name": title}, "book": book})
    target.write_text(body, encoding="utf-8")


@lru_cache(maxsize=2)
def chapters(folder: Path, lang: str, compare: bool) -> list[tuple[str, str]]:
    """Every chapter of the run in order (the notebooks of `folder`), (file stem, title in `lang`), for the
    book's navigation."""
    import nbformat

    return [(nb.stem, title_of(nbformat.read(nb, as_version=4), lang) or nb.stem) for nb in notebooks(compare=compare, folder=folder)]


def warm_up() -> None:
    """Import what a worker needs (papermill, nbconvert and its templates) while cleaning runs."""
    import papermill  # noqa: F401

    exporter(True), exporter(False)   # (the default language; others load on first use)


def execute_and_render(nb_path: Path, reports: Path, home: Path, offered: dict, source: dict, lang: str, twin: str | None,
                       published: dict[str, str]) -> Outcome:
    """Execute one notebook with the parameters it declares, then render both HTML versions into `reports`
    (the run's staging), each linking its twin in the run of the other language (`twin`, None when not built);
    a path a page shows is where its file will be published (`published`: path -> where). Executed copies go
    to the run's build folder `home`. Runs in a worker process: everything it needs comes in its arguments."""
    import nbformat
    import papermill

    from helpers.present.book import frame
    from helpers.present.text import banner, t

    say(f"  ▶ {nb_path.stem} started")
    declared = papermill.inspect_notebook(str(nb_path))
    parameters = {k: v for k, v in {**offered, "artifacts": str(reports / f"{nb_path.stem}_files")}.items() if k in declared}
    executed_path = home / "executed" / nb_path.name
    executed_path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        with stderr_to(executed_path.with_suffix(".kernel.log")):   # the kernel's own log, not the progress display
            papermill.execute_notebook(str(nb_path), str(executed_path), parameters=parameters, kernel_name=KERNEL,
                                       cwd=str(nb_path.parent), progress_bar=False, request_save_on_cell_execute=False)
    except papermill.PapermillExecutionError as err:
        if err.ename == "ExportError":
            raise ExportRejected(err.evalue) from None
        kept = home / "failed" / nb_path.name
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(executed_path, kept)
        return Outcome(nb_path.stem, nb_path.stem, time.perf_counter() - start, 0,
                       f"{nb_path.name}, cell In [{err.exec_count}]: {err.ename}: {err.evalue}\n"
                       f"executed copy kept for debugging (the same cell numbers): {kept}")
    seconds = time.perf_counter() - start
    executed = shown_paths(nbformat.read(executed_path, as_version=4), published)
    title = title_of(executed, lang)
    first_lines = banner({**source, "rows": rows_of(offered["processed"])}, lang) + "\n\n" + t("small_cell_note", lang,
                                                                                              min_cell=offered["min_cell"])
    files = [p.name for p in (reports / f"{nb_path.stem}_files").glob("*")]
    for reviewer, suffix in ((True, ".html"), (False, ".full.html")):
        book = frame(chapters(nb_path.parent, lang, "compare_with" in offered), nb_path.stem, lang, twin, files, reviewer)
        render(executed, reports / f"{nb_path.stem}{suffix}", reviewer, first_lines, title, lang, book)
    key_figure, numbered = (reports / f"{nb_path.stem}_files" / name for name in ("key_figure.txt", "numbering.json"))
    return Outcome(nb_path.stem, title, seconds, count_warnings(executed),
                   key_figure=key_figure.read_text(encoding="utf-8") if key_figure.exists() else "",
                   numbering=json.loads(numbered.read_text(encoding="utf-8")) if numbered.exists() else [])


@contextmanager
def stderr_to(path: Path):
    """Send this process's standard error (and that of the processes it starts) to a file for a while."""
    saved = os.dup(2)
    with open(path, "w") as log:
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def rows_of(processed: str) -> int | str:
    """Rows of the export, as the cleaning notebook recorded them in the processed data."""
    import pyarrow.parquet as pq

    try:
        pandas_meta = json.loads(pq.read_schema(processed).metadata[b"pandas"])
        return pandas_meta["attributes"]["provenance"]["rows_in"]
    except (FileNotFoundError, KeyError, TypeError):
        return "?"


# --- Indexes ---------------------------------------------------------------------------------

def write_run_index(run_dir: Path, manifest: dict, lang: str) -> None:
    """The run's landing page (helpers.present.landing): the study, where to begin, the data source, a
    card per report; and beside it the page of this project's choices (helpers.present.assumptions)."""
    from helpers.present import assumptions
    from helpers.present.landing import run_index

    page = run_index(run_dir.name, {**manifest, "lang": lang}, cache.sha256_text(json.dumps(manifest, sort_keys=True)))
    write_atomic(run_dir / "index.html", lambda tmp: tmp.write_text(page, encoding="utf-8"))
    write_atomic(run_dir / "assumptions.html", lambda tmp: tmp.write_text(assumptions.page(lang), encoding="utf-8"))


def write_landing(out: Path) -> None:
    """reports/index.html, the landing page: the study, then every run in the folder (each in its own
    language) with its data source, checksum, date and a card per report. Written only when what it is made
    from changed (cache.landing_key), so a run with nothing to do stays light."""
    key, landing = cache.landing_key(out), out / "index.html"
    if landing.is_file() and f'content="{key}"' in landing.read_text(encoding="utf-8")[:400]:
        return
    from helpers.present.landing import all_runs

    runs = {}
    for manifest_file in sorted(out.glob("*/manifest.json")):
        manifest, name = read_manifest(manifest_file, say=lambda line: None), manifest_file.parent.name
        if "source" in manifest and SAFE_NAME.fullmatch(name):   # readable, and a run's folder
            runs[name] = manifest
    page = all_runs(runs, key)
    write_atomic(landing, lambda tmp: tmp.write_text(page, encoding="utf-8"))

# --- The run ---------------------------------------------------------------------------------

def say(line: str) -> None:
    """One line of the progress display, written at once (the workers write to the same terminal)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def run_languages(raw: Path | None, languages: list[str], name: str | None = None, **options) -> int:
    """The export's reports in each of `languages`, one run after the other, each run's pages linking the same page
    of the other's (its twin) when both are built; the first exit code that is not 0 stops it."""
    names = run_names(SYNTHETIC_DEFAULT_EXPORT if raw is None else Path(raw), name, languages)
    for lang in languages:
        twin = next((names[other] for other in languages if other != lang), None)
        if code := run(raw, lang=lang, name=names[lang], twin=twin, **options):
            return code
    return 0


def run(raw: Path | None, mapping: Path | None, out: Path, lang: str, min_cell: int, only: list[str] | None = None,
        compare_with: str | None = None, jobs: int | None = None, name: str | None = None, force: bool = False,
        pdf: bool = False, weighting: str | None = None, twin: str | None = None) -> int:
    """Bring the export's reports and their combined document up to date (all reports with `force`; the
    document's PDF too with `pdf`; weighted by `weighting`, 'none' for unweighted, None for notebook 09's own
    default; linking the run `twin` of the other language); returns the exit code. One run per run folder at a
    time: a second one waits for the lock."""
    started = time.perf_counter()
    if weighting not in (None, "none"):
        from helpers.analysis.weighting import load_population   # numpy and pandas only when a margin is named

        if weighting not in load_population():
            say(f"error: --weighting {weighting}: data/population.yaml has no population margin for it "
                f"(it has: {', '.join(load_population())}; 'none' for unweighted figures)")
            return 2
    if pdf:
        from helpers.present.document import chromium

        if chromium() is None:
            say("error: --pdf prints the combined document with Chromium, which is not installed (`make book` installs it)")
            return 2
    default = raw is None
    raw = SYNTHETIC_DEFAULT_EXPORT if default else Path(raw)
    ws = Workspace(run_names(raw, name, [lang])[lang], Path(out), BUILD_DIR, PROCESSED_DIR)
    other = Workspace(checked_name(compare_with, "--compare-with"), ws.out, ws.build, ws.published) if compare_with else None
    with locked(ws, say):
        clear_leftovers(ws)
        if default and not synthetic_default_is_current():
            from helpers.synth import (
                ensure_synthetic_default,  # numpy and pandas only when it must be made
            )

            ensure_synthetic_default()
        for given, what in ((raw, "file"), (mapping, "mapping file")):
            if given is not None and not Path(given).is_file():
                say(f"error: {given}: no such {what}")
                return 2
        offered = {"raw": str(raw.resolve()), "mapping": str(Path(mapping).resolve()) if mapping else None,
                   "lang": lang, "min_cell": min_cell}
        options = {"lang": lang, "min_cell": min_cell, "mapping": sha256_file(mapping) if mapping else None, "twin": twin}
        if weighting:
            offered["weight_by"] = options["weighting"] = None if weighting == "none" else weighting
        if other:
            if not other.processed.is_file():
                say(f"error: --compare-with {compare_with}: no processed data at {other.processed}; run that export first")
                return 2
            offered["compare_with"], options["compare_with"] = str(other.processed), sha256_file(other.processed)
        return update(ws, {**provenance(raw), "commit": code_commit()}, notebooks(only, compare=bool(other)), offered, options,
                      force, jobs, pdf, started)


def update(ws: Workspace, source: dict, books: list[Path], offered: dict, options: dict, force: bool,
           jobs: int | None, pdf: bool, started: float) -> int:
    """Rebuild the reports that are stale (key changed, outputs missing or changed) and the combined document
    when a page changed, in staging, and publish them only when every notebook succeeded. The last line says
    how much of the time since `started` was the runner's own bookkeeping (lock, keys, staging, hashes,
    publication): everything but executing, rendering and the combined document."""
    shared, processed_sha = cache.shared_key(source["sha256"], options), cache.processed_hash(ws.data)
    keys = cache.notebook_keys(books, shared, processed_sha, cache.fits_hash(ws.data / cache.FITS))
    manifest = read_manifest(ws.manifest, say)
    whole = {stem for stem, r in manifest["reports"].items() if cache.intact(ws.run_dir, r.get("outputs", {}))}
    if manifest.get("processed_sha256") != processed_sha:
        whole.discard(cache.CLEANING)   # the run's processed data is gone or was changed
    todo = cache.stale(keys, {} if force else {s: r.get("key") for s, r in manifest["reports"].items()}, whole)
    if not todo and not document_stale(ws, manifest, shared, pdf):
        return up_to_date(ws, manifest, len(keys))
    say(f"{ws.run_dir}: {len(todo)} of {len(keys)} reports to (re)build: {', '.join(todo)}" if todo
        else f"{ws.run_dir}: the combined document to (re)build")
    staging = fresh_staging(ws)
    processed = staging / "data" / ws.processed.name if cache.CLEANING in todo else ws.processed
    fits = (staging / "data" if cache.MODEL in todo else ws.data) / cache.FITS   # 05 writes it, 00 and 10 read it
    try:
        building = time.perf_counter()
        outcomes = execute_all([nb for nb in books if nb.stem in todo], ws,
                               {**offered, "processed": str(processed), "fits": str(fits)}, source, jobs,
                               options.get("twin")) if todo else []
        if isinstance(outcomes, int):
            say(f"nothing published: {ws.run_dir} is as it was")
            return outcomes
        processed_sha = cache.processed_hash(processed.parent)
        keys = cache.notebook_keys(books, shared, processed_sha, cache.fits_hash(fits))   # the keys of what the notebooks read
        built = {o.notebook: {**asdict(o), "key": keys[o.notebook], "outputs": cache.outputs_of(staging / "reports", o.notebook)}
                 for o in outcomes}
        building = time.perf_counter() - building
        before = manifest.get("document", {})
        manifest = {"source": {**source, "rows": rows_of(str(processed))}, "lang": offered["lang"],
                    "finished": dt.datetime.now().isoformat(timespec="seconds"), "processed_sha256": processed_sha,
                    "reports": dict(sorted({**manifest["reports"], **built}.items())), "twin": options.get("twin")}
        manifest["document"] = before
        if document_stale(ws, {**manifest, "document": before}, shared, pdf):
            manifest["document"] = write_document(ws, manifest, shared, pdf)
            building += sum(manifest["document"]["seconds"].values())
        with uninterrupted():
            publish(ws)
            for name in set(before.get("outputs", {})) - set(manifest["document"]["outputs"]):
                remove(ws.run_dir / name, ws.run_dir)   # a PDF of pages that changed
            write_manifest(ws.manifest, manifest)
            publish_processed(ws)
            write_run_index(ws.run_dir, manifest, offered["lang"])
            write_landing(ws.out)
    finally:
        remove(ws.staging, ws.home)
    elapsed = time.perf_counter() - started
    say(f"reports written to {ws.run_dir}/ (index.html; all runs: {ws.out / 'index.html'}) in {elapsed:.1f} s, "
        f"{elapsed - building:.2f} s of it the runner's own bookkeeping")
    return 0


def document_stale(ws: Workspace, manifest: dict, shared: str, pdf: bool) -> bool:
    """Whether the combined document must be (re)built: a reviewer page changed, one of its files is missing or
    changed, or a PDF is asked for and there is none."""
    document = manifest.get("document", {})
    return (document.get("key") != cache.document_key(shared, manifest["reports"])
            or not cache.intact(ws.run_dir, document.get("outputs", {})) or (pdf and PDF not in document.get("outputs", {})))


def write_document(ws: Workspace, manifest: dict, shared: str, pdf: bool) -> dict:
    """The combined document of the run's reviewer pages (helpers.present.document) into staging: book.html,
    and book.pdf when asked; its manifest entry (key, outputs and their hashes, build time)."""
    from helpers.present.document import combined, print_pdf

    staged, start = ws.staging / "reports", time.perf_counter()
    pages = {stem: next(p for p in (staged / f"{stem}.html", ws.run_dir / f"{stem}.html") if p.is_file()).read_text(encoding="utf-8")
             for stem in manifest["reports"]}
    (staged / DOCUMENT).write_text(combined(pages, ws.name, manifest), encoding="utf-8")
    seconds = {"html": round(time.perf_counter() - start, 2)}
    if pdf:
        print_pdf(staged / DOCUMENT, staged / PDF)
        seconds["pdf"] = round(time.perf_counter() - start - seconds["html"], 2)
    say(f"  ✓ combined document ({', '.join(f'{kind} {s:.1f} s' for kind, s in seconds.items())})")
    return {"key": cache.document_key(shared, manifest["reports"]), "seconds": seconds,
            "outputs": {f.name: sha256_file(f) for f in (staged / DOCUMENT, staged / PDF) if f.is_file()}}


def up_to_date(ws: Workspace, manifest: dict, count: int) -> int:
    """Nothing to run: restore what is cheap to restore (the published processed data, the indexes)."""
    for name in publish_processed(ws):
        say(f"{ws.published / name}: restored from the run's own copy")
    if not (ws.run_dir / "index.html").is_file():
        write_run_index(ws.run_dir, manifest, manifest.get("lang", "nl"))
    write_landing(ws.out)   # when a run was added, removed or changed meanwhile
    say(f"{ws.run_dir}: all {count} reports are up to date; nothing to run")
    return 0


class Progress:
    """Progress lines that count what is done, failed and still to go, and time each notebook."""

    def __init__(self, total: int):
        self.total, self.done, self.failed, self.start = total, 0, 0, time.perf_counter()

    def finished(self, outcome: Outcome) -> Outcome:
        self.done, self.failed = self.done + (not outcome.error), self.failed + bool(outcome.error)
        warn = f", {outcome.warnings} warning output(s)" if outcome.warnings else ""
        state = (f"✗ {outcome.notebook} FAILED after {outcome.seconds:.1f} s" if outcome.error
                 else f"✓ {outcome.notebook} done in {outcome.seconds:.1f} s{warn}")
        failed = f", {self.failed} failed" if self.failed else ""
        say(f"  {state}  [{self.done} done{failed}, {self.total - self.done - self.failed} to go; "
            f"{time.perf_counter() - self.start:.0f} s elapsed]")
        return outcome

    def not_run(self, stems: list[str], because: str) -> None:
        if stems:
            self.total -= len(stems)
            say(f"  ✗ not run ({because}): {', '.join(stems)}")


def execute_all(books: list[Path], ws: Workspace, offered: dict, source: dict, jobs: int | None,
                twin: str | None = None) -> list[Outcome] | int:
    """Every notebook in a worker process: cleaning first (the other workers warm up meanwhile), then the
    analysis notebooks in parallel, the model's (05) first and the summaries (00, 10) once it is done (they read
    its fits), their pages linking the run `twin` of the other language. Ctrl-C stops every worker and kernel at
    once."""
    cleaning = [nb for nb in books if nb.stem == cache.CLEANING]   # first: the others read what it writes
    books = sorted((nb for nb in books if nb.stem != cache.CLEANING), key=lambda nb: nb.stem != cache.MODEL)
    after_model = [nb for nb in books if nb.stem in cache.SUMMARIES] if books and books[0].stem == cache.MODEL else []
    workers = max(1, min(jobs or os.cpu_count() or 1, len(books) or 1))
    progress = Progress(len(cleaning) + len(books))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=worker_started,
                               initargs=(os.getpid(), str(ws.home / "runtime"), max(1, (os.cpu_count() or 1) // workers)))
    task = (ws.staging / "reports", ws.home, offered, source, offered["lang"], twin, shown_as(ws, offered))
    try:
        outcomes = []
        for nb in cleaning:
            first = pool.submit(execute_and_render, nb, *task)
            for _ in range(workers - 1):
                pool.submit(warm_up)
            outcomes.append(progress.finished(first.result()))
        if any(o.error for o in outcomes):
            progress.not_run([nb.stem for nb in books], "the cleaning notebook failed")
            books = []
        pending = {pool.submit(execute_and_render, nb, *task) for nb in books if nb not in after_model}
        if books:
            say(f"  … {len(books)} notebooks queued on {workers} worker(s)"
                + (f" ({', '.join(nb.stem for nb in after_model)} after {cache.MODEL})" if after_model else ""))
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                outcomes.append(progress.finished(future.result()))
                if outcomes[-1].notebook == cache.MODEL:   # its fits are written: the summaries may read them
                    pending |= {pool.submit(execute_and_render, nb, *task) for nb in after_model}
    except ExportRejected as err:
        say(f"error: {err}")
        return 2
    except KeyboardInterrupt:
        interrupted()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    failed = [o for o in outcomes if o.error]
    for o in failed:
        say(f"error: {o.error}")
    return 1 if failed else outcomes


def propose_mapping(raw: Path | None, previous: Path | None) -> int:
    """`make mapping`: a mapping file proposed beside the export (helpers.ingest.mapping), never over a file; with
    `previous`, an accepted earlier mapping's decisions kept for every column whose text is unchanged."""
    from helpers.ingest.io import ExportError
    from helpers.ingest.mapping import propose, summary, write_proposal

    if raw is None:
        say("error: --propose-mapping proposes a mapping for an export: give it with --raw (make mapping RAW=export)")
        return 2
    try:
        proposal = propose(raw, previous)
        path = write_proposal(proposal)
    except ExportError as err:
        say(f"error: {err}")
        return 2
    for line in summary(proposal, path):
        say(line)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.runner", description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, help="the raw export (default: the synthetic default)")
    parser.add_argument("--mapping", type=Path, help="column-mapping file (data/README.md)")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR, help="folder of all runs (default: reports)")
    parser.add_argument("--name", help="the run's folder name: letters, digits, '-' and '_' (default: the export's "
                                       "file name without extension, other characters made '_'); _en is added for "
                                       "English when both languages are built, or when no name is given")
    parser.add_argument("--compare-with", help="name of an earlier run to compare this one with (notebook 08)")
    parser.add_argument("--lang", nargs="+", choices=["nl", "en"], default=["nl"],
                        help="report language(s); with both (--lang nl en) each page links its twin in the other")
    parser.add_argument("--min-cell", type=int, default=5, help="smallest cell shown (default 5)")
    parser.add_argument("--weighting", help="post-stratify notebook 09 by this margin of data/population.yaml "
                                            "(default: gov_type), or 'none' for unweighted figures")
    parser.add_argument("--only", nargs="*", help="run only notebooks whose name starts with these (and 01)")
    parser.add_argument("--jobs", type=int, help="parallel notebooks after cleaning (default: the number of cores)")
    parser.add_argument("--force", action="store_true", help="run every notebook, even when nothing changed")
    parser.add_argument("--pdf", action="store_true", help="also print the combined document (book.html) to book.pdf "
                                                           "with Chromium (`make book` installs it)")
    parser.add_argument("--propose-mapping", action="store_true", help="propose a mapping file for --raw beside it "
                                                                       "(data/README.md) and stop")
    parser.add_argument("--from", dest="previous", type=Path, help="with --propose-mapping: an accepted earlier mapping "
                                                                    "whose decisions carry over where a column's text is unchanged")
    parser.add_argument("--install-kernel", action="store_true", help="register the Jupyter kernel and stop")
    parser.add_argument("--user", action="store_true", help="with --install-kernel: in the user's Jupyter (conda)")
    args = parser.parse_args(argv)
    if args.install_kernel:
        install_kernel(args.user)
        return 0
    if args.propose_mapping:
        return propose_mapping(args.raw, args.previous)
    signal.signal(signal.SIGTERM, signal.default_int_handler)   # `kill` stops a run as Ctrl-C does
    try:
        return run_languages(args.raw, list(dict.fromkeys(args.lang)), args.name, mapping=args.mapping, out=args.out,
                             min_cell=args.min_cell, only=args.only, compare_with=args.compare_with, jobs=args.jobs,
                             force=args.force, pdf=args.pdf, weighting=args.weighting)
    except UnsafeName as err:
        say(f"error: {err}")
        return 2
    except KeyboardInterrupt:
        interrupted()
        say("interrupted: every worker stopped, nothing half-written; run again to continue")
        return 130


if __name__ == "__main__":
    sys.exit(main())

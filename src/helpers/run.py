"""The report runner: validate the export, execute the notebooks (papermill), render HTML (nbconvert).

    python -m helpers.run                       # every report, on the synthetic default
    python -m helpers.run --raw export.csv --mapping map.yaml --lang en

Each notebook is executed with its declared parameters, then rendered twice into the output folder:
NAME.html for reviewers (no code) and NAME.full.html (with code), with NAME_files/ holding each figure
(PNG, SVG) and table (CSV) a notebook keeps. index.html lists every report with
its status, run time and the data source (file, rows, SHA-256). Nothing in the output folder changes
unless the whole run succeeds: reports are built in build/staging and moved in at the end.

Exit codes: 0 done; 1 a notebook failed (its executed copy is kept in build/failed/); 2 the export
is unusable (the error names file, column, row and value).
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from nbconvert import HTMLExporter
from traitlets.config import Config

from helpers.io import ExportError, read_export
from helpers.paths import BUILD_DIR, NOTEBOOKS_DIR, PROCESSED_DIR, REPORTS_DIR
from helpers.report import banner
from helpers.synth import ensure_synthetic_default

KERNEL = "genai-survey"


@dataclass
class Outcome:
    notebook: str
    title: str
    seconds: float
    warnings: int


def install_kernel() -> None:
    """Register this environment's Python as the named Jupyter kernel the notebooks ask for."""
    from ipykernel.kernelspec import install

    install(prefix=sys.prefix, kernel_name=KERNEL, display_name=f"Python ({KERNEL})")


def notebooks(only: list[str] | None = None) -> list[Path]:
    """The numbered notebooks in order (optionally those whose name starts with one of `only`)."""
    found = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    return [nb for nb in found if not only or any(nb.stem.startswith(o) for o in only)]


def title_of(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return ""


def count_warnings(nb: nbformat.NotebookNode) -> int:
    """Outputs written to stderr (warnings, logging): a finished report should have none."""
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if o.get("output_type") == "stream" and o.get("name") == "stderr")


def render(executed: nbformat.NotebookNode, target: Path, reviewer: bool, first_lines: str, title: str) -> None:
    """One self-contained HTML file (lab template, images embedded), the data banner first."""
    nb = nbformat.from_dict(executed)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(first_lines))
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    exporter = HTMLExporter(config=config, template_name="lab", embed_images=True, exclude_input=reviewer,
                            exclude_input_prompt=reviewer, exclude_output_prompt=reviewer)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    target.write_text(body, encoding="utf-8")


def write_index(target: Path, outcomes: list[Outcome], source: dict, lang: str) -> None:
    """The landing page: data source, and one row per report with status, run time and links."""
    rows = "\n".join(
        f"<tr><td>{html.escape(o.title)}</td><td>ok{f' ({o.warnings} warnings)' if o.warnings else ''}</td>"
        f"<td>{o.seconds:.1f} s</td><td><a href='{o.notebook}.html'>report</a> · "
        f"<a href='{o.notebook}.full.html'>with code</a></td></tr>" for o in outcomes)
    first = html.escape(banner(source, lang)).replace("**", "")
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Reports: generative AI in local and Flemish government</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}td,th{{border-bottom:1px solid #ccc;padding:.3rem .8rem;text-align:left}}
.banner{{background:#fff3cd;padding:.6rem 1rem;border-left:4px solid #b58100}}</style></head>
<body><p class="banner">{first}</p>
<h1>Generatieve AI bij lokale en Vlaamse overheden: reports</h1>
<h2>Data source</h2>
<table><tr><th>File</th><td>{html.escape(source['file'])}</td></tr>
<tr><th>Rows</th><td>{source['rows']}</td></tr>
<tr><th>SHA-256</th><td><code>{source['sha256']}</code></td></tr>
<tr><th>Synthetic</th><td>{'yes' if source['synthetic'] else 'no'}</td></tr>
<tr><th>Run</th><td>{dt.datetime.now().isoformat(timespec='seconds')}</td></tr></table>
<h2>Reports</h2>
<table><tr><th>Report</th><th>Status</th><th>Run time</th><th>Open</th></tr>
{rows}
</table></body></html>
"""
    target.write_text(page, encoding="utf-8")


def run(raw: Path | None, mapping: Path | None, out: Path, lang: str, min_cell: int, only: list[str] | None) -> int:
    """Execute and render the notebooks; returns the exit code."""
    raw = Path(raw) if raw else ensure_synthetic_default()
    try:
        export = read_export(raw, mapping)
    except ExportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    source = {**export.attrs["provenance"], "rows": len(export)}
    first_lines = banner(source, lang)
    offered = {"raw": str(raw.resolve()), "mapping": str(Path(mapping).resolve()) if mapping else None,
               "processed": str(PROCESSED_DIR / f"{raw.stem}.parquet"), "lang": lang, "min_cell": min_cell}
    staging, executed_dir = BUILD_DIR / "staging", BUILD_DIR / "executed"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    executed_dir.mkdir(parents=True, exist_ok=True)
    todo = notebooks(only)
    outcomes = []
    for i, nb_path in enumerate(todo, start=1):
        print(f"[{i}/{len(todo)}] {nb_path.stem} … ", end="", flush=True, file=sys.stderr)
        declared = papermill.inspect_notebook(str(nb_path))
        offered["artifacts"] = str(staging / f"{nb_path.stem}_files")
        parameters = {k: v for k, v in offered.items() if k in declared}
        executed_path = executed_dir / nb_path.name
        start = time.perf_counter()
        try:
            papermill.execute_notebook(str(nb_path), str(executed_path), parameters=parameters, kernel_name=KERNEL,
                                       cwd=str(NOTEBOOKS_DIR), progress_bar=False)
        except papermill.PapermillExecutionError as err:
            kept = BUILD_DIR / "failed" / nb_path.name
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(executed_path, kept)
            print(f"failed\nerror: {nb_path.name}, cell In [{err.exec_count}]: {err.ename}: {err.evalue}\n"
                  f"executed copy kept for debugging (the same cell numbers): {kept}", file=sys.stderr)
            return 1
        seconds = time.perf_counter() - start
        executed = nbformat.read(executed_path, as_version=4)
        title = title_of(executed)
        for reviewer, suffix in ((True, ".html"), (False, ".full.html")):
            render(executed, staging / f"{nb_path.stem}{suffix}", reviewer, first_lines, title)
        outcomes.append(Outcome(nb_path.stem, title, seconds, count_warnings(executed)))
        print(f"done in {seconds:.1f} s" + (f", {outcomes[-1].warnings} warning output(s)" if outcomes[-1].warnings else ""),
              file=sys.stderr)
    write_index(staging / "index.html", outcomes, source, lang)
    out.mkdir(parents=True, exist_ok=True)
    for produced in sorted(staging.iterdir()):
        if produced.is_dir():
            shutil.rmtree(out / produced.name, ignore_errors=True)
        os.replace(produced, out / produced.name)
    print(f"reports written to {out}/ (index.html)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.run", description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, help="the raw export (default: the synthetic default)")
    parser.add_argument("--mapping", type=Path, help="column-mapping file (data/README.md)")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR, help="folder for the HTML reports")
    parser.add_argument("--lang", choices=["nl", "en"], default="nl")
    parser.add_argument("--min-cell", type=int, default=5, help="smallest cell shown (default 5)")
    parser.add_argument("--only", nargs="*", help="run only notebooks whose name starts with these (e.g. 01)")
    parser.add_argument("--install-kernel", action="store_true", help="register the Jupyter kernel and stop")
    args = parser.parse_args(argv)
    if args.install_kernel:
        install_kernel()
        return 0
    return run(args.raw, args.mapping, args.out, args.lang, args.min_cell, args.only)


if __name__ == "__main__":
    sys.exit(main())

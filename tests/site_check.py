"""What a reviewer checks on a folder of rendered reports before reading a word: every link and image resolves,
no page shows a path of the machine that built it, the landing pages can be read by anyone."""
from __future__ import annotations

import re
import stat
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = ("data:", "http://", "https://", "mailto:")
# An absolute path of a POSIX or Windows machine, not part of a URL or of a relative path.
MACHINE_PATH = re.compile(r"(?<![\w.:/~%-])/(?:home|root|tmp|work|usr|opt|var|srv|mnt|media|Users|private|builds?)/[^\s\"'<>]*"
                          r"|\b[A-Z]:\\\\?[\w .-]+\\\\?[^\s\"'<>]*")
STAGING = re.compile(r"staging\.\d+")
DATA_URI = re.compile(r"data:[^\"')\s]+")


class _Page(HTMLParser):
    """A page's ids (and <a name>) and its links: (attribute, value) of every href and src."""

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self.ids |= {found[key] for key in ("id",) if found.get(key)} | ({found["name"]} if tag == "a" and found.get("name") else set())
        self.links += [(key, found[key]) for key in ("href", "src") if found.get(key)]


def pages(folder: Path) -> dict[Path, _Page]:
    parsed = {}
    for path in sorted(folder.rglob("*.html")):
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        parsed[path.resolve()] = page
    return parsed


def broken_links(folder: Path) -> list[str]:
    """Every href and src of every page that does not resolve: a file that is not there, or an anchor that no id of
    its page has (as a browser looks for it: the fragment as written, then percent-decoded)."""
    parsed, broken = pages(folder), []
    for path, page in parsed.items():
        for attribute, value in page.links:
            if value.startswith(EXTERNAL):
                continue
            parts = urlsplit(value)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.exists():
                broken.append(f"{path.relative_to(folder.resolve())}: {attribute}={value!r}: no such file")
            elif parts.fragment and target in parsed and not {parts.fragment, unquote(parts.fragment)} & parsed[target].ids:
                broken.append(f"{path.relative_to(folder.resolve())}: {attribute}={value!r}: no such anchor")
    return broken


def machine_paths(folder: Path, known: list[str | Path] = ()) -> list[str]:
    """Paths of the machine on any page (embedded images aside): a staging folder, an absolute path, or one of the
    `known` folders (the build's, the project's)."""
    found = []
    for path in sorted(folder.rglob("*.html")):
        text = DATA_URI.sub("", path.read_text(encoding="utf-8"))
        hits = {*STAGING.findall(text), *MACHINE_PATH.findall(text), *(str(k) for k in known if str(k) in text)}
        found += [f"{path.relative_to(folder)}: {hit}" for hit in sorted(hits)]
    return found


def landing_pages(folder: Path) -> list[Path]:
    """The pages a reader opens first: the index of every run, each run's index and combined document."""
    return [folder / "index.html", *sorted(folder.glob("*/index.html")), *sorted(folder.glob("*/book.html"))]


def unreadable(paths: list[Path]) -> list[str]:
    """The files among `paths` that are not readable by everyone and writable by their owner only (0644)."""
    return [f"{path}: {oct(stat.S_IMODE(path.stat().st_mode))}" for path in paths if stat.S_IMODE(path.stat().st_mode) != 0o644]

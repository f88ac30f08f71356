"""The codebook is complete and consistent: texts in both languages, routing and scales that resolve."""
import re

import pytest

from helpers.ingest.codebook import load_codebook
from helpers.present.text import LANGS, catalogue, t


def test_every_variable_has_both_languages_and_a_type(cb):
    for var in cb.variables.values():
        assert all(var.text[lang].strip() for lang in LANGS), var.name
        assert var.type in {"id", "categorical", "likert", "multi", "integer", "number", "text", "postcode"}, var.name
        if var.type in ("categorical", "likert", "multi"):
            assert var.values and all(all(label[lang] for lang in LANGS) for label in var.values.values()), var.name


def test_routing_refers_to_earlier_variables(cb):
    seen = set()
    for var in cb.variables.values():
        if var.ask_if:
            names = set(re.findall(r"[a-z_][a-z0-9_]*", var.ask_if))
            assert names <= seen, f"{var.name}: ask_if uses {names - seen} before they are asked"
        seen.add(var.name)


def test_the_report_implies_these_blocks(cb):
    counts = {block: len(items) for block, items in cb.blocks.items()}
    assert sum(counts[b] for b in ("lit_tech", "lit_crit", "lit_comm", "lit_crea", "lit_eth")) == 24   # Appendix 1
    assert sum(counts[b] for b in ("pe", "ee", "si", "fc")) == 12                                    # Appendix 2
    assert counts["system_work"] == counts["system_free"] == 9                                       # nine systems
    assert all(counts[r] == 3 for r in ("role_exec", "role_innov", "role_netw"))


def test_scale_rules_are_feasible(cb):
    for scale, spec in cb.scales.items():
        assert 1 <= spec["min_answered"] <= len(cb.scale_items(scale)), scale


def test_labels_and_texts(cb):
    assert cb.labels("education_level", "en")[1] == "Low education"
    assert cb.text("pe", "nl").startswith("Prestatieverwachting")
    with pytest.raises(ValueError, match="lang"):
        cb.labels("gender", "fr")


def test_message_catalogue_has_both_languages():
    for key, texts in catalogue().items():
        assert set(texts) == set(LANGS) and all(texts.values()), key
    assert t("flow_title", "en", n_in=576, n_out=478) == "From 576 responses to 478 respondents"


def test_codebook_errors_name_the_file(tmp_path):
    bad = tmp_path / "codebook.yaml"
    bad.write_text("value_sets: {}\nquestions:\n  - {name: a, type: text, nl: x, en: y}\n  - {name: a, type: text, nl: x, en: y}\n"
                   "scales: {}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="codebook.yaml: variable 'a' is defined twice"):
        load_codebook(bad)


def test_every_scale_the_report_defines_has_its_definition_in_both_languages(cb):
    assert {"lit_tech", "lit_crit", "lit_comm", "lit_crea", "lit_eth", "role_exec", "role_innov", "role_netw",
            "pe", "ee", "si", "fc"} == set(cb.definitions)
    assert all(d["nl"] and d["en"] for d in cb.definitions.values())
    assert all("example" in cb.definitions[s] for s in ("lit_tech", "lit_crit", "lit_comm", "lit_crea", "lit_eth", "pe", "ee", "si", "fc"))


def test_the_codebooks_choices_and_the_assumptions_list_the_same_items(cb):
    """Every `choice:` field of the codebook and every choice of the cleaning code has its entry (a row with
    that id) in data/ASSUMPTIONS.md, and every entry there is one of them; each has a short name for the
    pages' links in both languages."""
    from helpers.prepare.cleaning import CHOICES
    from helpers.present import assumptions
    from helpers.present.text import catalogue

    listed = assumptions.ids()
    assert len(listed) == len(set(listed))
    assert set(listed) == cb.choices() | set(CHOICES)
    assert all({"nl", "en"} <= set(catalogue()[f"choice_{choice}"]) for choice in listed)


def test_a_choice_is_found_at_the_level_it_is_declared(cb):
    assert cb.choice("system_work_midjourney") == cb.choice("system_free_perplexity") == "systems"
    assert cb.choice("system_work_chatgpt") is None and cb.choice("learn_form", 1) is None
    assert cb.choice("learn_form", 4) == "learning-forms" and cb.choice("bi_2") == "intention-items"
    assert cb.choice("pro_time_saving") is None and cb.choice("pro_time_saving", 4) == "benefit-scale"   # the answers' wording
    assert cb.choice("education_level") == "education-levels" and cb.choice("pe") == "scale-scores"

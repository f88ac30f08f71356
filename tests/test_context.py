"""The study's and the related studies' references (data/context.yaml): complete, each figure with the year of its
fieldwork, the study's partners never named as its authors."""
import re

import pytest

from helpers.present import context


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_related_figure_has_its_fieldwork_year_and_a_full_reference(lang):
    frame = context.studies_result(lang).frame
    assert {"fieldwork", "source", "published", "reference"} <= set(frame.columns)
    assert frame["fieldwork"].between(2015, 2030).all() and (frame["fieldwork"] <= frame["published"]).all()
    for row in frame.itertuples():
        assert f"({row.published})" in row.reference and re.search(r'<i lang="nl">[^<]+</i>|\[[^]]+\]', row.reference), row
    barometer = frame.set_index("id").loc["ai_barometer_flanders"]
    assert (barometer["fieldwork"], barometer["published"]) == (2021, 2021) and "AI-Barometer" in barometer["reference"]
    assert frame.set_index("id").loc["hrw_young_2024", "fieldwork"] == 2024 and frame["source"].str.contains(r"\(2026\)").any()


@pytest.mark.parametrize("lang, names_none, published_by", [("nl", "Het rapport noemt geen auteurs", "Uitgegeven door"),
                                                            ("en", "The report names no authors", "Published by")])
def test_the_study_names_no_authors_and_its_partners_publish_it(lang, names_none, published_by):
    reference = context.study_reference(lang)
    assert reference.startswith('<i lang="nl">Generatieve AI bij lokale en Vlaamse overheden: Een studie rond gebruik')
    assert "(2025)" in reference and names_none in reference and "2024" in reference
    assert reference.index(published_by) < reference.index("Digitaal Vlaanderen")   # publishers, not authors


def test_the_page_lists_each_source_once_after_the_study():
    frame = context.studies_result("en").frame
    listed = context.references(frame, "en").splitlines()[2:]
    assert len(listed) == 1 + frame["source_id"].nunique() and listed[0] == f"- {context.study_reference('en')}"

"""The corpus of malformed exports: each fails with one clear error naming file, column, row and value."""
from pathlib import Path

import pytest
import yaml

from helpers.ingest.io import ExportError, read_export

CORPUS = Path(__file__).parent / "bad_exports"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))


def test_corpus_is_large_enough():
    assert len(EXPECTED) >= 15
    assert all((CORPUS / name).is_file() for name in EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_export_fails_with_a_clear_error(name):
    with pytest.raises(ExportError) as caught:
        read_export(CORPUS / name)
    message = str(caught.value)
    assert message.startswith(str(CORPUS / name)), message
    missing = [fragment for fragment in EXPECTED[name] if fragment not in message]
    assert not missing, f"error lacks {missing}:\n{message}"


def test_each_problem_is_listed_once():
    with pytest.raises(ExportError) as caught:
        read_export(CORPUS / "text_in_numeric.csv")
    assert str(caught.value).count("'veertig'") == 1

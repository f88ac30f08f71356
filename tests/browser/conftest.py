"""The browser tests read the built reports and save a screenshot of each page beside them, in
reports/<run>/screenshots/ (README, "Reports a reviewer can trust"): they write into reports/ by design."""
import pytest


@pytest.fixture(scope="session", autouse=True)
def tests_leave_the_working_tree_alone():
    """Overrides the check of tests/conftest.py for the browser tests only: their screenshots are their output."""
    yield

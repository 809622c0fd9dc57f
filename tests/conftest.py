"""Make tests/ importable for the shared reference helpers, and keep optviz's cache (the lecture's
voices, runs and chapters) in a folder of the test session's own, never the user's ~/.cache."""
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def pytest_configure(config):
    if "OPTVIZ_CACHE_DIR" not in os.environ:
        os.environ["OPTVIZ_CACHE_DIR"] = tempfile.mkdtemp(prefix="optviz-test-cache-")


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def lecture_data():
    """The runs the lecture draws (a network trained from 5 seeds among them), computed once per session
    into the session's cache."""
    from optviz.lecture.runs import lecture_data_dir
    return lecture_data_dir()

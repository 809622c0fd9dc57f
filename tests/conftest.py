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
def seed_lecture():
    """The built-in lecture (optviz/lecture/lectures/seed.md), prepared: its shots' runs (a network
    trained from 5 seeds among them) computed once per session into the session's cache, where
    the commands the tests run find them too."""
    from optviz.lecture.runs import prepare
    return prepare()

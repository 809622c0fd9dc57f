"""Headless Chromium for the interactive page, found when asked (never at import): the gallery's
screenshot of it, and the page's tests and benchmark, all launch it the same way.

Debian's `chromium` is driven through Playwright (a dev dependency) with `executable_path`, so no
browser is downloaded.
"""
from __future__ import annotations

import importlib.util
import shutil

# no sandbox (containers run as root), no GPU, nothing fetched in the background
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    """Chromium's executable, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser() -> str | None:
    """Chromium's path, when it and Playwright are both installed."""
    found = chromium_path()
    return found if found and importlib.util.find_spec("playwright") else None

"""Makes docs/explorer.png, the README's picture of the explorer: builds the shipped release and its
explorer in a temporary directory and screenshots one article page in headless Chromium, with a
claim focused and sentence boundaries shown. Run from the checkout: python docs/explorer.py"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "loaders"))  # the page tests' Chromium driver

from browser import make_driver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from korea_deterrence.loaders.cli import main  # noqa: E402


def screenshot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        release, site = Path(work) / "release", Path(work) / "site"
        assert main(["build", "--out", str(release)]) == 0
        assert main(["report", str(release), "--out", str(site)]) == 0
        driver = make_driver(width=1100, height=720)
        try:
            driver.get((site / "article-kd-000001.html").as_uri())
            driver.find_element(By.CSS_SELECTOR, "input[data-toggle=show-sentences]").click()
            driver.execute_script("document.querySelectorAll('.text .span.claim.head')[2].focus()")
            driver.save_screenshot(str(out))
        finally:
            driver.quit()


if __name__ == "__main__":
    screenshot(ROOT / "docs" / "explorer.png")

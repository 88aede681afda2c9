"""`kdc report`: the explorer's markup, the text-free case, the command, and every page in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from korea_deterrence.loaders.cli import main
from korea_deterrence.loaders.report import write_report
from korea_deterrence.loaders.report.markup import highlight
from korea_deterrence.loaders.report.model import Article, Span
from korea_deterrence.loaders.release_rows import read_rows

ARTIFACTS = Path(os.environ.get("KDC_TEST_ARTIFACTS") or Path(__file__).parents[2] / "test-artifacts")


def _span(span_id: str, layer: str, start: int, end: int) -> Span:
    return Span(span_id, layer, "a", start, end, None, (("type", "x"),))


def test_crossing_and_nested_spans_are_each_one_focusable_head() -> None:
    text = "Seoul said the US will stay."
    spans = (_span("c1", "claim", 0, 14), _span("m1", "mention", 0, 5), _span("c2", "claim", 11, 27),
             _span("m2", "mention", 15, 17))
    html = str(highlight(Article("a", None, "x", text, (("paragraph", 0, 28),), ((0, 28),), spans)))
    assert re.findall(r'id="(\w+)" data-span="\w+" tabindex="0"', html) == ["c1", "m1", "c2", "m2"]
    assert html.count('class="span claim cont" data-span="c2"') == 1  # c2 crosses the end of c1: split in two
    assert html.count("<span") == html.count("</span>")
    assert re.sub(r'<span class="boundary[^>]*>[^<]*</span>|<[^>]+>', "", html) == text


@pytest.fixture(scope="module")
def site(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "explorer"
    assert main(["report", str(release), "--out", str(out)]) == 0
    return out


def test_every_page_names_version_checksum_and_citation(site: Path, release: Path) -> None:
    import json

    from korea_deterrence.loaders.card import data_checksum

    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    pages = sorted(site.glob("*.html"))
    assert len(pages) == 1 + 5 + len({c["cluster_id"] for c in read_rows(release, "claims")} - {None}) + len(
        {m["actor_id"] for m in read_rows(release, "mentions")} | {c["claimer_actor_id"] for c in read_rows(
            release, "claims")} - {None})
    for path in pages:
        html = path.read_text("utf-8")
        assert data_checksum(manifest) in html and "@misc{korea_deterrence_" in html, path.name
        assert not re.search(r'(src|href)="(https?:)?//', html), path.name  # nothing from the network
    assert {p.name for p in (site / "plots").glob("*.svg")} >= {"claims-by-outlet.svg", "label-counts.svg",
                                                                "stance-policy_shift.svg", "agreement.svg"}


def test_an_invalid_release_gets_no_report(release: Path, tmp_path: Path, capsys) -> None:
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    (copy / "network" / "conflict.policy_shift.gexf").write_text("<gexf/>")
    assert main(["report", str(copy), "--out", str(tmp_path / "site")]) == 1
    assert "[release.sha256]" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_a_text_free_release_says_the_texts_are_absent(release: Path, tmp_path: Path) -> None:
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    for config in ("articles", "mentions", "claims"):
        for shard in (copy / "data" / config).glob("*.parquet"):
            table = pq.read_table(shard)
            pq.write_table(table.drop_columns(["text"]).replace_schema_metadata(table.schema.metadata), shard)
    write_report(copy, tmp_path / "site")
    html = (tmp_path / "site" / "article-kd-000000.html").read_text("utf-8")
    assert "The article texts are absent from this release" in html and 'class="span' not in html
    rows = sum(1 for c in ("mentions", "claims") for r in read_rows(release, c) if r["article_id"] == "kd-000000")
    assert html.count("<tr><td>") == rows  # every span is listed by its offsets


@pytest.fixture(scope="module")
def driver():
    from browser import make_driver

    browser = make_driver()
    yield browser
    browser.quit()


def test_pages_in_chromium(site: Path, release: Path, driver) -> None:
    from browser import console_errors
    from selenium.webdriver.common.by import By

    spans = Counter(r["article_id"] for c in ("mentions", "claims") for r in read_rows(release, c))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for path in sorted(site.glob("*.html")):
        driver.get(path.as_uri())
        assert console_errors(driver) == [], path.name
        assert driver.find_element(By.TAG_NAME, "footer").text.startswith("korea-deterrence version")
        if path.name.startswith("article-"):
            article_id = path.stem.removeprefix("article-")
            assert len(driver.find_elements(By.CSS_SELECTOR, ".text .span.head")) == spans[article_id], path.name
    driver.get((site / "index.html").as_uri())
    assert all(driver.execute_script("return arguments[0].naturalWidth", img) > 0
               for img in driver.find_elements(By.TAG_NAME, "img"))
    driver.save_screenshot(str(ARTIFACTS / "explorer-overview.png"))


def test_keyboard_focus_reaches_spans_and_shows_their_labels(site: Path, driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get((site / "article-kd-000001.html").as_uri())
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    for _ in range(20):  # the navigation links and the two boundary switches come first
        focused = driver.switch_to.active_element
        if "head" in (focused.get_attribute("class") or "").split():
            break
        focused.send_keys(Keys.TAB)
    assert "head" in focused.get_attribute("class").split()
    info = driver.find_element(By.ID, "info").text
    assert info == focused.get_attribute("data-info") and "type: " in info
    marker = driver.find_element(By.CSS_SELECTOR, ".sent-b")
    assert not marker.is_displayed()
    driver.find_element(By.CSS_SELECTOR, "input[data-toggle=show-sentences]").click()
    assert marker.is_displayed()
    driver.save_screenshot(str(ARTIFACTS / "explorer-article.png"))

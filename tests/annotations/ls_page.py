"""Drive the Label Studio 1.23.2 labeling page (Text + Labels + per-region Choices/TextArea +
Relations) with Selenium and headless Chromium, the way a person would: real clicks, keys and
mouse drags. ``window.Htx`` is only READ (to wait for state and to check what happened).

Selectors that worked in Label Studio 1.23.2 (headless Chromium 156, selenium 4.51):

* login page ``/user/login/``: ``input[name=email]``, ``input[name=password]``,
  ``form button[type=submit]``; success = URL leaves ``/user/login``.
* task page ``{url}/projects/{pid}/data?task={tid}`` (the data manager with the labeling
  panel open; LS adds ``&tab=N``). Ready when ``window.Htx.annotationStore.selected`` exists
  and ``.lsf-richtext__container`` is in the DOM.
* the text: ``.lsf-richtext__container`` > ``span.lsf-richtext__line`` (one per line, joined
  by ``<br>`` = one "\\n" code point); regions are ``span.htx-highlight`` with
  ``data-start``/``data-end`` (code points) and class ``htx-highlight-<regionId>-...``.
* labels: ``.lsf-labels`` (one block per ``<Labels>`` tag, config order) >
  ``span.lsf-label`` > ``span.lsf-label__text`` (the label value); selected =
  ``lsf-label_selected``.
* choices: ``div.lsf-choices`` (one per ``<Choices>`` tag, in config order, hidden per-region
  ones carry ``lsf-choices_hidden``) > ``label.ant-checkbox-wrapper`` whose
  ``input.ant-checkbox-input`` has ``name=<choice value>``. Choice values repeat across
  controls (favor/against/...), so always address a choice by control name + value.
* per-region TextArea: ``div.lsf-text-area`` > ``form`` > ``input[name=<control name>]``
  (rows="1" renders an ``<input>``); the value is only stored when the form is submitted
  (Enter).
* region list (outliner): side-panel tab ``div.lsf-panel-tabs__tab`` "Regions" >
  ``.lsf-outliner-item`` rows with ``.lsf-outliner-item__index`` = the highlight's
  ``data-index``. The list is VIRTUALISED (rc-virtual-list): rows out of view are not in the
  DOM; scroll it with real wheel events (its holder has overflow hidden, so scrollTop fails).
* region panel (Info tab, while a region is selected): ``.lsf-region-actions
  button[aria-label='Create Relation']`` (also "Edit region's meta", "Hide selected region",
  "Delete selected region").
* relations: tab "Relations" > ``.lsf-relations__item`` (actions appear on hover:
  ``button[aria-label='Show Relation Labels']``) > ``.lsf-relation-meta
  button[data-slot='popover-trigger']`` > popover ``[data-slot='popover-content']
  [data-testid='select-option-<label>']``.
* Submit: ``button[aria-label='Submit current annotation']`` (text "Submit"); once submitted
  the same place shows "Update" with ``aria-label='submit'``.
* validation modal: ``.ant-modal-confirm`` with ``.ant-modal-confirm-content`` (e.g.
  'Checkbox "stance__policy_shift" is required.', one field at a time) and OK in
  ``.ant-modal-confirm-btns button``.

Typical use (see test_studio_page.py)::

    d = make_driver(); login(d, url, email, pw); open_task(d, url, pid, tid)
    select_label(d, "claim", control="claim"); claim = select_text(d, "some sentence")
    select_region(d, claim["cleanId"]); choose(d, "claim_type", "factual")
    type_text_area(d, "cluster", "c-1")
    draw_relation(d, claim["cleanId"], mention_id, label="claimed_by"); submit(d)
"""

from __future__ import annotations

import json
import time
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

DEFAULT_TIMEOUT = 30.0
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


# --- driver and waits ------------------------------------------------------------------


def make_driver(headless: bool = True, width: int = 1400, height: int = 1000) -> WebDriver:
    """Headless Chromium via the system chromedriver (no network needed)."""
    options = webdriver.ChromeOptions()
    if headless:
        options.add_argument("--headless=new")
    for arg in ("--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    return driver


def wait_for(driver: WebDriver, predicate, timeout: float = DEFAULT_TIMEOUT, what: str = "condition"):
    """WebDriverWait wrapper that names what it waited for on timeout."""
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=(StaleElementReferenceException,)).until(predicate)
    except TimeoutException:
        raise TimeoutException(f"timed out after {timeout:.0f} s waiting for {what}") from None


def js_until(driver: WebDriver, script: str, timeout: float = DEFAULT_TIMEOUT, what: str | None = None):
    """Wait until ``script`` (a JS expression body, must ``return``) is truthy; return its value."""
    return wait_for(driver, lambda d: d.execute_script(script), timeout, what or script)


def visible(driver: WebDriver, css: str, root: WebElement | None = None) -> list[WebElement]:
    base = root or driver
    out = []
    for el in base.find_elements(By.CSS_SELECTOR, css):
        try:
            if el.is_displayed():
                out.append(el)
        except StaleElementReferenceException:
            pass
    return out


def click(driver: WebDriver, element: WebElement) -> None:
    """Scroll into view and click with a real mouse click; retry once if something overlays it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});", element)
    try:
        ActionChains(driver).move_to_element(element).click().perform()
    except ElementClickInterceptedException:
        time.sleep(0.2)
        element.click()


# --- reading state (read-only use of window.Htx) -------------------------------------


def annotation_result(driver: WebDriver) -> list[dict[str, Any]]:
    """The current annotation's result as the page would submit it (serializeAnnotation)."""
    return driver.execute_script(
        "const a = window.Htx && Htx.annotationStore.selected;"
        "return a ? JSON.parse(JSON.stringify(a.serializeAnnotation())) : null;"
    )


def regions(driver: WebDriver) -> list[dict[str, Any]]:
    """Regions of the selected annotation: id, type, start/end (code points), text, labels, selected."""
    return driver.execute_script(
        """
        const a = Htx.annotationStore.selected;
        return a.regions.map(r => ({
          id: r.id, cleanId: r.cleanId, type: r.type,
          from_name: r.labeling ? r.labeling.from_name.name : null,
          start: r.globalOffsets ? r.globalOffsets.start : null,
          end: r.globalOffsets ? r.globalOffsets.end : null,
          text: r.text, labels: r.labeling ? r.labeling.selectedLabels.map(l => l.value) : [],
          selected: !!r.selected, inSelection: !!r.inSelection,
        }));
        """
    )


def relations(driver: WebDriver) -> list[dict[str, Any]]:
    """Relations as the page would submit them: from_id, to_id, direction, labels."""
    return [r for r in annotation_result(driver) if r.get("type") == "relation"]


def selected_region_id(driver: WebDriver) -> str | None:
    return driver.execute_script(
        "const s = Htx.annotationStore.selected.highlightedNode; return s ? s.cleanId : null;"
    )


# --- login and navigation ----------------------------------------------------------


def login(driver: WebDriver, url: str, email: str, password: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Fill and submit the real login form at /user/login/."""
    driver.get(f"{url}/user/login/")
    email_box = wait_for(driver, lambda d: d.find_element(By.NAME, "email"), timeout, "login form")
    email_box.clear()
    email_box.send_keys(email)
    pw = driver.find_element(By.NAME, "password")
    pw.clear()
    pw.send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for(driver, lambda d: "/user/login" not in d.current_url, timeout, "login redirect")
    if not any(c["name"] == "sessionid" for c in driver.get_cookies()):
        raise RuntimeError(f"login as {email} did not set a session cookie")


EDITOR_READY_JS = (
    "return !!(window.Htx && Htx.annotationStore && Htx.annotationStore.selected"
    " && document.querySelector('.lsf-richtext__container .lsf-richtext__line'));"
)


def open_stream(driver: WebDriver, url: str, project_id: int, task_id: int, timeout: float = 60) -> None:
    """Press "Label All Tasks" as an annotator does (the labeling stream): Label Studio hands out the next
    task this user has not annotated and starts a new annotation of theirs; it must be `task_id`."""
    driver.get(f"{url}/projects/{project_id}/data?labeling=1")
    js_until(driver, EDITOR_READY_JS, timeout, "labeling editor (Htx + rich text)")
    js_until(driver, f"return Htx.task && String(Htx.task.id) === '{task_id}';", timeout,
             f"stream on task {task_id}")
    js_until(driver, "return !Htx.annotationStore.selected.pk;", timeout, "a new annotation of this user")


def previous_task(driver: WebDriver, timeout: float = 30) -> None:
    """On the stream's "No More Tasks Left in Queue" page, go back to the task just submitted."""
    button = wait_for(driver, lambda d: [b for b in visible(d, "button") if b.text.strip() == "Go to Previous Task"],
                      timeout, "Go to Previous Task")[0]
    click(driver, button)
    js_until(driver, EDITOR_READY_JS + "", timeout, "the submitted task in the editor")
    js_until(driver, "return !!Htx.annotationStore.selected.pk;", timeout, "the submitted annotation shown")


def open_task(driver: WebDriver, url: str, project_id: int, task_id: int, timeout: float = 60) -> None:
    """Open the task in the data manager's labeling panel and wait until the editor is ready."""
    driver.get(f"{url}/projects/{project_id}/data?task={task_id}")
    js_until(driver, EDITOR_READY_JS, timeout, "labeling editor (Htx + rich text)")
    # the task id the editor shows must be ours
    js_until(driver, f"return Htx.task && String(Htx.task.id) === '{task_id}';", timeout,
             f"editor on task {task_id}")


# --- labels --------------------------------------------------------------------------


def label_button(driver: WebDriver, value: str, control: str | None = None) -> WebElement:
    """The clickable ``span.lsf-label`` whose text is ``value``.

    ``control`` (a ``<Labels name>``) disambiguates when two Labels tags share a value; the
    blocks ``.lsf-labels`` follow config order, which is read from Htx (read-only).
    """
    blocks = driver.find_elements(By.CSS_SELECTOR, ".lsf-labels")
    if control is not None:
        names = driver.execute_script(
            "return Htx.annotationStore.selected.names ? Array.from(Htx.annotationStore.selected.names.values())"
            ".filter(t => t.type === 'labels').map(t => t.name) : [];"
        )
        blocks = [blocks[names.index(control)]]
    for block in blocks:
        for lab in block.find_elements(By.CSS_SELECTOR, "span.lsf-label"):
            if lab.find_element(By.CSS_SELECTOR, ".lsf-label__text").text.strip() == value:
                return lab
    raise LookupError(f"no label {value!r}")


def select_label(driver: WebDriver, value: str, control: str | None = None) -> WebElement:
    """Click a label so the next text selection creates a region with it (toggle: checks state).

    PITFALL: while a region is selected, clicking a label RELABELS that region (and the
    selected region's label shows as selected). So any selected region is unselected first.
    """
    unselect_region(driver)
    lab = label_button(driver, value, control)
    if "lsf-label_selected" not in (lab.get_attribute("class") or ""):
        click(driver, lab)
    wait_for(driver, lambda d: "lsf-label_selected" in (label_button(d, value, control).get_attribute("class") or ""),
             10, f"label {value!r} selected")
    return label_button(driver, value, control)


# --- text selection ----------------------------------------------------------------

_LOCATE_JS = r"""
// Map code-point offsets [start, end) of the rendered text to DOM positions and rects.
const [start, end] = [arguments[0], arguments[1]];
const root = document.querySelector('.lsf-richtext__container');
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
let pos = 0, node, text = '', s = null, e = null;
while ((node = walker.nextNode())) {
  if (node.nodeType === 1) { if (node.tagName === 'BR') { pos += 1; text += '\n'; } continue; }
  const cps = [...node.nodeValue];
  if (s === null && start >= pos && start < pos + cps.length)
    s = [node, cps.slice(0, start - pos).join('').length];
  if (e === null && end > pos && end <= pos + cps.length)
    e = [node, cps.slice(0, end - pos).join('').length];
  pos += cps.length; text += node.nodeValue;
}
if (!s || !e) return {error: 'offsets not found', length: pos, text: text};
const first = document.createRange(); first.setStart(s[0], s[1]);
first.setEnd(s[0], s[1] + ([...s[0].nodeValue.slice(s[1])][0] || '').length);
const last = document.createRange();
const before = [...e[0].nodeValue.slice(0, e[1])];
last.setStart(e[0], e[1] - (before[before.length - 1] || '').length); last.setEnd(e[0], e[1]);
const fr = first.getClientRects()[0], lr = last.getClientRects(); const l = lr[lr.length - 1];
window.__kdcRange = [s, e];
return {text: text, first: {x: fr.left, y: fr.top, w: fr.width, h: fr.height},
        last: {x: l.left, y: l.top, w: l.width, h: l.height}};
"""

def page_text(driver: WebDriver) -> str:
    """The rendered text as code points (``<br>`` counted as "\\n"), as LS counts offsets."""
    return driver.execute_script(_LOCATE_JS, 0, 1)["text"]


def _offsets(driver: WebDriver, what: str | tuple[int, int], occurrence: int = 0) -> tuple[int, int]:
    if isinstance(what, tuple):
        return what
    text = page_text(driver)
    idx = -1
    for _ in range(occurrence + 1):
        idx = text.find(what, idx + 1)
        if idx < 0:
            raise LookupError(f"{what!r} not in the page text")
    return idx, idx + len(what)


def select_text(driver: WebDriver, what: str | tuple[int, int], occurrence: int = 0,
                timeout: float = 10) -> dict[str, Any]:
    """Select text like a person (mouse drag from the first to the last character) so that
    the active label creates a region; return the new region (from Htx, read-only).

    ``what`` is a substring of the page text or (start, end) code-point offsets; the pointer
    is pressed, moved and released at the rects of the first and last characters.
    """
    start, end = _offsets(driver, what, occurrence)
    before = {r["id"] for r in regions(driver)}
    loc = driver.execute_script(_LOCATE_JS, start, end)
    if "error" in loc:
        raise LookupError(f"offsets {start}-{end}: {loc['error']}")
    # make sure the characters are in the viewport before taking coordinates
    driver.execute_script("window.__kdcRange[0][0].parentElement.scrollIntoView({block:'center'});")
    loc = driver.execute_script(_LOCATE_JS, start, end)
    f, la = loc["first"], loc["last"]
    x0, y0 = f["x"] + min(1.0, f["w"] / 4), f["y"] + f["h"] / 2
    x1, y1 = la["x"] + la["w"] - min(1.0, la["w"] / 4), la["y"] + la["h"] / 2
    ab = ActionBuilder(driver, duration=50)
    ab.pointer_action.move_to_location(int(round(x0)), int(round(y0)))
    ab.pointer_action.pointer_down()
    ab.pointer_action.move_to_location(int(round((x0 + x1) / 2)), int(round((y0 + y1) / 2)))
    ab.pointer_action.move_to_location(int(round(x1)), int(round(y1)))
    ab.pointer_action.pointer_up()
    ab.perform()

    def new_region(d):
        for r in regions(d):
            if r["id"] not in before and r["type"] != "relation":
                return r
        return None

    try:
        region = wait_for(driver, new_region, timeout, f"a new region over {start}-{end}")
    except TimeoutException:
        sel = driver.execute_script("return window.getSelection().toString();")
        raise TimeoutException(f"no region created over {start}-{end} (selection was {sel!r})") from None
    return region


# --- regions -----------------------------------------------------------------------


def unselect_region(driver: WebDriver, timeout: float = 5) -> None:
    """Unselect the selected region: Escape (hotkey), after blurring any focused input
    (hotkeys are ignored while an input has focus); fallback: click its Regions row again."""
    current = selected_region_id(driver)
    if current is None:
        return
    driver.execute_script("document.activeElement && document.activeElement.blur && document.activeElement.blur();")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    try:
        wait_for(driver, lambda d: selected_region_id(d) is None, 2, "region unselected (Escape)")
    except TimeoutException:
        show_panel_tab(driver, "Regions")
        click(driver, outliner_item(driver, current))
        wait_for(driver, lambda d: selected_region_id(d) is None, timeout, "region unselected (row click)")


# --- choices and text areas ----------------------------------------------------------


def _control_names(driver: WebDriver, tag_type: str) -> list[str]:
    return driver.execute_script(
        "return Array.from(Htx.annotationStore.selected.names.values())"
        f".filter(t => t.type === {json.dumps(tag_type)}).map(t => t.name);"
    )


def choices_block(driver: WebDriver, control: str) -> WebElement:
    """The ``div.lsf-choices`` of the ``<Choices name=control>`` (blocks follow config order)."""
    names = _control_names(driver, "choices")
    blocks = driver.find_elements(By.CSS_SELECTOR, "div.lsf-choices")
    if len(blocks) != len(names):
        raise RuntimeError(f"{len(blocks)} choices blocks in the page but {len(names)} Choices tags")
    return blocks[names.index(control)]


def choice_value(driver: WebDriver, control: str) -> list[str]:
    """Selected values of a Choices control, as the page shows them (checked inputs)."""
    block = choices_block(driver, control)
    return [i.get_attribute("name") for i in block.find_elements(By.CSS_SELECTOR, "input.ant-checkbox-input")
            if i.is_selected()]


def choose(driver: WebDriver, control: str, value: str, timeout: float = 10) -> None:
    """Tick choice ``value`` of ``<Choices name=control>`` by clicking its label (once).

    Per-region controls (visibleWhen="region-selected") are only shown while a matching
    region is selected: call :func:`select_region` first.
    """
    wait_for(driver, lambda d: choices_block(d, control).is_displayed(), timeout,
             f"choices {control!r} visible (is a matching region selected?)")
    if value in choice_value(driver, control):
        return
    block = choices_block(driver, control)
    for lab in block.find_elements(By.CSS_SELECTOR, "label.ant-checkbox-wrapper"):
        if lab.find_element(By.CSS_SELECTOR, "input").get_attribute("name") == value:
            click(driver, lab)
            break
    else:
        raise LookupError(f"no choice {value!r} in {control!r}")
    wait_for(driver, lambda d: value in choice_value(d, control), timeout, f"{control}={value} checked")


def text_area_input(driver: WebDriver, control: str) -> WebElement:
    els = visible(driver, f"div.lsf-text-area input[name='{control}'], div.lsf-text-area textarea[name='{control}']")
    if not els:
        raise LookupError(f"no visible text area {control!r} (is a matching region selected?)")
    return els[0]


def type_text_area(driver: WebDriver, control: str, text: str, timeout: float = 10) -> None:
    """Type into a TextArea and submit its form (Enter in a one-row input; the form's button under a
    multi-row textarea, where Enter is a new line): the value is stored only when the form submits."""
    box = wait_for(driver, lambda d: text_area_input(d, control), timeout, f"text area {control!r}")
    click(driver, box)
    box.send_keys(text)
    if box.tag_name == "textarea":
        click(driver, box.find_element(By.XPATH, "ancestor::form").find_element(By.CSS_SELECTOR, "button"))
    else:
        box.send_keys(Keys.ENTER)

    def stored(d):
        return any(r.get("from_name") == control and r.get("type") == "textarea"
                   and text in (r["value"].get("text") or []) for r in annotation_result(d))

    wait_for(driver, stored, timeout, f"text area {control!r} value {text!r} stored")


def region_index(driver: WebDriver, region_id: str) -> str:
    """The number the page shows for a region (highlight ``data-index`` = outliner index)."""
    spans = driver.find_elements(
        By.CSS_SELECTOR, f"span.htx-highlight[class*='htx-highlight-{region_id}-'][data-index]")
    if not spans:
        raise LookupError(f"no numbered highlight for region {region_id}")
    return spans[-1].get_attribute("data-index")


def outliner_item(driver: WebDriver, region_id: str, timeout: float = 5) -> WebElement:
    """The region's row in the right panel's "Regions" list (``.lsf-outliner-item``).

    PITFALL: the list is virtualised (antd tree): rows outside its scroll viewport are not
    in the DOM. Scroll the list's holder (the scrollable ancestor of the rows) from the top
    until the row with the region's index appears.
    """
    index = region_index(driver, region_id)

    def find() -> WebElement | None:
        for item in driver.find_elements(By.CSS_SELECTOR, ".lsf-outliner-item"):
            idx = item.find_elements(By.CSS_SELECTOR, ".lsf-outliner-item__index")
            if idx and idx[0].text.strip() == index:
                return item
        return None

    item = find()
    if item is not None:
        return item
    # rc-virtual-list handles the mouse wheel itself (overflow hidden): scroll with real wheel events
    def wheel(dy: int) -> None:
        rows = driver.find_elements(By.CSS_SELECTOR, ".lsf-outliner-item")
        if rows:
            ActionChains(driver).scroll_from_origin(ScrollOrigin.from_element(rows[0]), 0, dy).perform()

    wheel(-5000)  # back to the top
    deadline = time.monotonic() + timeout
    seen: set[str] = set()
    while time.monotonic() < deadline:
        for _ in range(5):  # give the virtual list a moment to render
            item = find()
            if item is not None:
                return item
            time.sleep(0.05)
        shown = tuple(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".lsf-outliner-item__index"))
        key = "|".join(shown)
        if key in seen:  # the list no longer moves: bottom reached
            break
        seen.add(key)
        wheel(120)
    raise LookupError(f"region {region_id} (#{index}) not in the Regions list")


def select_region(driver: WebDriver, region_id: str, timeout: float = 10) -> None:
    """Select a region by clicking its row in the "Regions" list of the right panel.

    (Clicking the highlight in the text also works, but nested/overlapping highlights make
    the click target ambiguous; the outliner row is unambiguous.) Switches the bottom-right
    panel to the "Regions" tab first if the "Relations" tab is showing.
    """
    if selected_region_id(driver) == region_id:
        return
    show_panel_tab(driver, "Regions")
    click(driver, outliner_item(driver, region_id))
    js_until(driver, "const s = Htx.annotationStore.selected.highlightedNode;"
             f" return !!s && s.cleanId === {json.dumps(region_id)};", timeout, f"region {region_id} selected")


def show_panel_tab(driver: WebDriver, title: str) -> None:
    """Click a side-panel tab (``div.lsf-panel-tabs__tab``: "Regions", "Relations", "Info", "History")."""
    for tab in driver.find_elements(By.CSS_SELECTOR, ".lsf-panel-tabs__tab"):
        if tab.text.strip() == title and tab.is_displayed():
            if "active" not in (tab.get_attribute("class") or ""):
                click(driver, tab)
            return
    raise LookupError(f"no side-panel tab {title!r}")


# --- relations -----------------------------------------------------------------------


def draw_relation(driver: WebDriver, from_id: str, to_id: str, label: str | None = None,
                  timeout: float = 10) -> dict[str, Any]:
    """Create a relation FROM ``from_id`` TO ``to_id`` as a person does, optionally labelled.

    1. select the source region (Regions list row);
    2. click ``.lsf-region-actions button[aria-label='Create Relation']`` in the Info panel
       (hotkey Alt+R does the same); the annotation enters relationMode;
    3. click the target region's row in the Regions list -> relation source->target,
       direction "right";
    4. label: Relations tab > hover ``.lsf-relations__item`` > ``button[aria-label='Show
       Relation Labels']`` > ``.lsf-relation-meta button[data-slot='popover-trigger']`` >
       ``[data-slot='popover-content'] [data-testid='select-option-<label>']``, then Escape.
    """
    before = len(relations(driver))
    select_region(driver, from_id, timeout)
    button = wait_for(driver, lambda d: visible(d, ".lsf-region-actions button[aria-label='Create Relation']"),
                      timeout, "Create Relation button")[0]
    click(driver, button)
    js_until(driver, "return Htx.annotationStore.selected.relationMode === true;", timeout, "relation mode")
    click(driver, outliner_item(driver, to_id))

    def made(d):
        rels = relations(d)
        return rels[-1] if len(rels) > before else None

    rel = wait_for(driver, made, timeout, f"relation {from_id} -> {to_id}")
    if (rel["from_id"], rel["to_id"]) != (from_id, to_id):
        raise RuntimeError(f"relation drawn the wrong way: {rel}")
    if label is not None:
        rel = set_relation_label(driver, len(relations(driver)) - 1, label, timeout)
    return rel


def set_relation_label(driver: WebDriver, index: int, label: str, timeout: float = 10) -> dict[str, Any]:
    """Pick ``label`` for the index-th relation in the Relations tab (a Relations tag's values)."""
    show_panel_tab(driver, "Relations")
    item = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".lsf-relations__item")[index]
                    if len(d.find_elements(By.CSS_SELECTOR, ".lsf-relations__item")) > index else None,
                    timeout, "relation row")
    meta_trigger = ".lsf-relation-meta button[data-slot='popover-trigger']"
    if not item.find_elements(By.XPATH, "following-sibling::div[contains(@class,'lsf-relation-meta')]"):
        ActionChains(driver).move_to_element(item).perform()  # the row's action buttons show on hover
        show = wait_for(driver, lambda d: visible(d, "button[aria-label='Show Relation Labels']", item),
                        timeout, "Show Relation Labels button")[0]
        click(driver, show)
    parent = item.find_element(By.XPATH, "..")
    # one label select per relation whose labels are shown, in row order: the index-th row's is the index-th
    trigger = wait_for(driver, lambda d: (visible(d, meta_trigger, parent) + [None] * (index + 1))[index],
                       timeout, "relation label select")
    click(driver, trigger)
    option = wait_for(driver, lambda d: visible(
        d, f"[data-slot='popover-content'] [data-testid='select-option-{label}']"), timeout,
        f"option {label!r}")[0]
    click(driver, option)
    wait_for(driver, lambda d: label in (relations(d)[index].get("labels") or []), timeout,
             f"relation label {label!r} set")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()  # close the popover
    wait_for(driver, lambda d: not visible(d, "[data-slot='popover-content']"), timeout, "popover closed")
    return relations(driver)[index]


# --- submitting ----------------------------------------------------------------------


class RequiredModal(RuntimeError):
    """Submitting was blocked by a warning modal (e.g. 'Checkbox "x" is required.')."""


def modal_text(driver: WebDriver) -> str | None:
    """Text of a visible antd confirm modal (``.ant-modal-confirm .ant-modal-confirm-content``)."""
    for m in visible(driver, ".ant-modal-confirm"):
        body = m.find_elements(By.CSS_SELECTOR, ".ant-modal-confirm-content")
        return (body[0].text if body else m.text).strip()
    return None


def close_modal(driver: WebDriver, timeout: float = 5) -> list[str]:
    """Click OK on every visible confirm modal (several may stack up); return their texts."""
    texts: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        modals = visible(driver, ".ant-modal-confirm")
        if not modals:
            return texts
        top = modals[-1]
        body = top.find_elements(By.CSS_SELECTOR, ".ant-modal-confirm-content")
        text = (body[0].text if body else top.text).strip()
        for btn in top.find_elements(By.CSS_SELECTOR, ".ant-modal-confirm-btns button"):
            if btn.is_displayed():
                try:
                    click(driver, btn)
                    texts.append(text)
                except StaleElementReferenceException:
                    pass
                break
        time.sleep(0.3)  # closing animation
    raise TimeoutException(f"modals still open after {timeout:.0f} s: {texts}")


def submit(driver: WebDriver, timeout: float = 30) -> str | None:
    """Click Submit (``button[aria-label='Submit current annotation']``; "Update" on an
    already submitted annotation has ``aria-label='submit'``) and wait until the server has
    stored it: the annotation gets a numeric ``pk``, or (in the labeling stream) the page moves
    on from the task.

    Raises :class:`RequiredModal` with the modal's text when validation blocks it (the modal
    is closed first). Returns the annotation id (pk) where the page still shows it.
    """
    unselect_region(driver)
    task = driver.execute_script("return String(Htx.task.id);")
    buttons = visible(driver, "button[aria-label='Submit current annotation'], button[aria-label='submit']")
    if not buttons:
        raise LookupError("no Submit/Update button")
    click(driver, buttons[0])

    def outcome(d):
        text = modal_text(d)
        if text:
            return ("modal", text)
        state = d.execute_script(
            "const a = window.Htx && Htx.annotationStore && Htx.annotationStore.selected;"
            "if (!window.Htx || !Htx.task || String(Htx.task.id) !== arguments[0]"
            " || document.body.innerText.includes('No More Tasks Left')) return {moved: true};"
            "return {pk: a && a.pk && !a.userGenerate && document.querySelector('.lsf-richtext__line')"
            " ? String(a.pk) : null};", task)
        return ("ok", state.get("pk")) if state.get("moved") or state.get("pk") else None

    kind, value = wait_for(driver, outcome, timeout, "submission stored (or a warning modal)")
    if kind == "modal":
        time.sleep(0.3)  # let any further modals open
        texts = close_modal(driver)
        raise RequiredModal("; ".join(texts) or value)
    return value

"""A real Label Studio server for integration tests (fixture ``label_studio``).

The server runs from its own virtual environment (it pins pyarrow and the SDK), found at
``$KDC_LS_VENV`` or ``<repo root>/.venv-labelstudio``; ``.ci/label_studio.sh`` installs it.
``KDC_SKIP_LABEL_STUDIO=1`` skips the tests that use the fixture; otherwise a missing
server is a test error.

Start-up on a fresh data dir takes ~45 s (migrations), so a migrated data dir is built
once per label-studio version into ``$KDC_LS_TEMPLATE`` (default
``~/.cache/korea-deterrence/ls-template-<version>``) and copied for each session.
Each session then: starts the server on 127.0.0.1 and a free port, logs the admin in,
creates a personal access token (legacy tokens stay off, as on a default server) and
two annotators, who sign up through the organization's invite link as a team's annotators
would (so each has a password and can log in to the page). Tests act as them either in the
page, with a logged-in session (drafts), or with ``completed_by=<annotator.id>`` on
``annotations.create``.

Secrets (the template's admin password, the access token) are never printed: the
dataclass field holding the token is excluded from its repr.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL = "admin@example.org"
ANNOTATOR_EMAILS = ("annotator1@example.org", "annotator2@example.org")
START_TIMEOUT_S = 120.0
TEMPLATE_META = "kdc-template.json"
START_ARGS = ("start", "--no-browser", "--internal-host", "127.0.0.1", "--port")  # as annotations/README.md says
_URL_LINE = re.compile(r"Starting development server at (http://[^\s/]+)")
# Inherited variables the server would read as configuration (it falls back to plain names).
_STRAY_ENV = ("USERNAME", "PASSWORD", "PORT", "HOST", "DATABASE_NAME", "DJANGO_DB")
_STRAY_ENV_PREFIXES = ("LABEL_STUDIO_", "DJANGO_")


@dataclass(frozen=True)
class Annotator:
    """A Label Studio user who signed up with a password; also act as it via ``completed_by=id``."""

    id: int
    email: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class LabelStudioServer:
    """A running server: ``LabelStudio(base_url=url, api_key=api_key)`` works."""

    url: str
    api_key: str = field(repr=False)  # personal access token (JWT refresh token) of the admin
    admin_id: int
    admin_email: str
    admin_password: str = field(repr=False)
    annotators: tuple[Annotator, Annotator]
    version: str
    log_path: Path


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "label_studio: needs a real Label Studio server")


# --- locating the server -------------------------------------------------------------


def server_venv() -> Path:
    return Path(os.environ.get("KDC_LS_VENV") or REPO_ROOT / ".venv-labelstudio")


def installed_version(venv: Path) -> str | None:
    """The label-studio version in ``venv``, read without starting Django."""
    python = venv / "bin" / "python"
    if not (venv / "bin" / "label-studio").exists() or not python.exists():
        return None
    code = 'import importlib.metadata as m; print(m.version("label-studio"))'
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return (done.stdout.strip() or None) if done.returncode == 0 else None


# --- environment and processes -------------------------------------------------------


def server_env(data_dir: Path, scratch: Path, **extra: str) -> dict[str, str]:
    """A clean environment: data, HOME and TMPDIR under ``scratch``, no phoning home."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _STRAY_ENV and not k.startswith(_STRAY_ENV_PREFIXES)
    }
    home = scratch / "home"
    tmp = scratch / "tmp"
    for path in (home, tmp):
        path.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        TMPDIR=str(tmp),
        LABEL_STUDIO_BASE_DATA_DIR=str(data_dir),
        LABEL_STUDIO_COLLECT_ANALYTICS="false",
        LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="true",
        LATEST_VERSION_CHECK="false",
        SENTRY_DSN="",
        FRONTEND_SENTRY_DSN="",
    )
    env.update(extra)
    return env


def log_tail(log_path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_process_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


# --- the pre-migrated template -------------------------------------------------------


def template_dir(version: str) -> Path:
    default = Path.home() / ".cache" / "korea-deterrence" / f"ls-template-{version}"
    return Path(os.environ.get("KDC_LS_TEMPLATE") or default)


def build_template(venv: Path, target: Path) -> None:
    """Migrate a fresh data dir with one admin into ``target`` (atomically)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        password = secrets.token_urlsafe(24)
        env = server_env(
            building / "data",
            building / "scratch",
            LABEL_STUDIO_USERNAME=ADMIN_EMAIL,
            LABEL_STUDIO_PASSWORD=password,
        )
        log_path = building / "init.log"
        with log_path.open("wb") as log:
            done = subprocess.run(
                [str(venv / "bin" / "label-studio"), "init", "--quiet", "--no-browser"],
                env=env, stdout=log, stderr=subprocess.STDOUT, timeout=600,
            )
        if done.returncode != 0 or not (building / "data" / "label_studio.sqlite3").exists():
            raise RuntimeError(f"label-studio init failed:\n{log_tail(log_path)}")
        shutil.rmtree(building / "scratch")
        meta = {"admin_email": ADMIN_EMAIL, "admin_password": password}
        meta_path = building / TEMPLATE_META
        meta_path.write_text(json.dumps(meta))
        meta_path.chmod(0o600)
        try:
            os.replace(building, target)
        except OSError:
            if not (target / TEMPLATE_META).exists():  # not just a concurrent builder winning
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)


def ensure_template(venv: Path, version: str) -> Path:
    target = template_dir(version)
    if not (target / TEMPLATE_META).exists():
        build_template(venv, target)
    return target


# --- starting the server -------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(venv: Path, data_dir: Path, scratch: Path) -> tuple[subprocess.Popen[bytes], Path]:
    log_path = scratch / "server.log"
    command = [str(venv / "bin" / "label-studio"), *START_ARGS, str(free_port())]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command, env=server_env(data_dir, scratch), cwd=scratch,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return proc, log_path


def wait_until_up(proc: subprocess.Popen[bytes], log_path: Path, timeout: float) -> str:
    """The server's real URL (it may move to the next port) once /health says UP."""
    deadline = time.monotonic() + timeout
    url: str | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"label-studio exited with {proc.returncode}:\n{log_tail(log_path)}")
        if url is None:
            match = _URL_LINE.search(log_path.read_text(errors="replace"))
            url = match.group(1) if match else None
        if url is not None and health_is_up(url):
            return url
        time.sleep(0.25)
    raise RuntimeError(f"label-studio not up after {timeout:.0f} s:\n{log_tail(log_path)}")


def health_is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return json.loads(response.read()).get("status") == "UP"
    except (OSError, ValueError):
        return False


# --- talking to it as the admin (session login; no SDK needed) -----------------------


class AdminSession:
    """A logged-in browser-like session (cookies + CSRF) on the server."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._cookies = http.cookiejar.CookieJar()
        processor = urllib.request.HTTPCookieProcessor(self._cookies)
        self._opener = urllib.request.build_opener(processor)

    def _csrf(self) -> str:
        return next(c.value for c in self._cookies if c.name == "csrftoken")

    def login(self, email: str, password: str) -> None:
        self._account_form("/user/login/", email, password)

    def signup(self, invite_path: str, email: str, password: str) -> None:
        """Sign up through the organization's invite link (the sign-up form), which also logs in."""
        self._account_form(invite_path, email, password)

    def _account_form(self, path: str, email: str, password: str) -> None:
        """Fill and post the login or sign-up form of `path`; a session cookie means it worked."""
        page = f"{self.url}{path}"
        self._opener.open(page, timeout=30).read()
        form = {"email": email, "password": password, "csrfmiddlewaretoken": self._csrf()}
        request = urllib.request.Request(
            page, data=urllib.parse.urlencode(form).encode(), headers={"Referer": page}
        )
        self._opener.open(request, timeout=30).read()
        if not any(c.name == "sessionid" for c in self._cookies):
            raise RuntimeError(f"could not log in or sign up to Label Studio as {email} at {path}")

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": self._csrf(),
            "Referer": f"{self.url}/",
        }
        request = urllib.request.Request(f"{self.url}{path}", data=data, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:  # the body holds no secret; the headers are not shown
            raise RuntimeError(f"{method} {path}: HTTP {err.code}: {err.read()[:500]!r}") from None


def create_annotators(url: str, session: AdminSession) -> tuple[Annotator, Annotator]:
    invite = session.api("GET", "/api/invite")["invite_url"]
    made = []
    for email in ANNOTATOR_EMAILS:
        password = secrets.token_urlsafe(16)
        own = AdminSession(url)
        own.signup(invite, email, password)
        user = own.api("GET", "/api/current-user/whoami")
        made.append(Annotator(id=int(user["id"]), email=user["email"], password=password))
    first, second = made
    return first, second


def provision(url: str, template: Path, version: str, log_path: Path) -> LabelStudioServer:
    """Log in as the admin, mint a personal access token, add the annotators."""
    meta = json.loads((template / TEMPLATE_META).read_text())
    session = AdminSession(url)
    session.login(meta["admin_email"], meta["admin_password"])
    token = session.api("POST", "/api/token/")["token"]
    admin = session.api("GET", "/api/current-user/whoami")
    return LabelStudioServer(
        url=url, api_key=token, admin_id=int(admin["id"]), admin_email=admin["email"],
        admin_password=meta["admin_password"], annotators=create_annotators(url, session), version=version, log_path=log_path,
    )


# --- the fixture ---------------------------------------------------------------------


def require_server() -> tuple[Path, str]:
    """The server venv and version, or skip (opt-out) / fail (missing) the test."""
    if os.environ.get("KDC_SKIP_LABEL_STUDIO") == "1":
        pytest.skip("KDC_SKIP_LABEL_STUDIO=1: Label Studio integration tests skipped")
    venv = server_venv()
    version = installed_version(venv)
    if version is None:
        pytest.fail(
            f"no Label Studio server in {venv}: run `KDC_LS_VENV={venv} .ci/label_studio.sh` "
            "(or set KDC_SKIP_LABEL_STUDIO=1 to skip these tests)",
            pytrace=False,
        )
    return venv, version


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabelStudioServer]:
    venv, version = require_server()
    template = ensure_template(venv, version)
    scratch = tmp_path_factory.mktemp("label-studio")
    data_dir = scratch / "data"
    shutil.copytree(template / "data", data_dir)
    proc, log_path = start_server(venv, data_dir, scratch)
    try:
        url = wait_until_up(proc, log_path, START_TIMEOUT_S)
        yield provision(url, template, version, log_path)
    finally:
        stop_process_group(proc)

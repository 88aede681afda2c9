"""What a person reads when Label Studio says no: one line, what to do, exit 1, nothing written."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import label_studio_sdk
import pytest

import ls_results as r
from conftest import free_port
from korea_deterrence.loaders.cli import main
from studio_steps import files_under, register

PROJECT = "kdc failures"


class _Answers(http.server.BaseHTTPRequestHandler):
    status = 500

    def _answer(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "sessionid=secret-session-cookie")
        self.end_headers()
        self.wfile.write(b'{"detail": "nope"}')

    do_GET = do_POST = do_PATCH = _answer

    def log_message(self, *args: object) -> None:  # quiet
        pass


@pytest.fixture(params=[404, 500])
def answering(request: pytest.FixtureRequest) -> Iterator[tuple[str, int]]:
    """A server on 127.0.0.1 that answers every request with one HTTP status."""
    handler = type("Handler", (_Answers,), {"status": request.param})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", request.param
    server.shutdown()


def one_line(capsys: pytest.CaptureFixture[str], token: str) -> str:
    err = capsys.readouterr().err
    assert err.startswith("kdc studio: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and token not in err and "sessionid" not in err and "set-cookie" not in err.lower()
    return err


def pull(root: Path, url: str, token: str) -> int:
    return main(["studio", "pull", "--url", url, "--token", token, "--project", PROJECT, "--annotations", str(root)])


def test_unreachable_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "annotations"
    register(root, "ann-x")
    before = {p: p.read_bytes() for p in files_under(root)}
    url = f"http://127.0.0.1:{free_port()}"
    assert pull(root, url, "some-token-value") == 1
    err = one_line(capsys, "some-token-value")
    assert f"cannot reach Label Studio at {url}" in err and "is the server running" in err
    assert {p: p.read_bytes() for p in files_under(root)} == before


def test_server_errors(answering: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, status = answering
    assert main(["studio", "push", "--url", url, "--token", "legacy-token-123", "--project", PROJECT,
                 "--sources", str(r.VALID_SOURCES)]) == 1
    err = one_line(capsys, "legacy-token-123")
    assert f"HTTP {status}" in err
    assert ("check --url" in err) if status == 404 else ("see the server's log" in err)


@pytest.mark.label_studio
def test_wrong_and_legacy_tokens(label_studio, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "annotations"
    legacy, broken = "0123456789abcdef0123456789abcdef01234567", label_studio.api_key[:-4] + "AAAA"
    for token in (legacy, broken):
        assert pull(root, label_studio.url, token) == 1
        err = one_line(capsys, token)
        assert "refused the token (HTTP 401)" in err and "Account & Settings > Personal Access Token" in err
        assert ("legacy API token" in err) == (token == legacy)
    assert not root.exists()


@pytest.mark.label_studio
def test_push_and_pull_refuse_a_changed_config(label_studio, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LABEL_STUDIO_URL", label_studio.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", label_studio.api_key)
    push = ["studio", "push", "--project", PROJECT, "--sources", str(r.VALID_SOURCES)]
    assert main(push) == 0
    ls = label_studio_sdk.LabelStudio(base_url=label_studio.url, api_key=label_studio.api_key)
    project = next(p for p in ls.projects.list() if p.title == PROJECT)
    assert project.maximum_annotations == 2 and project.overlap_cohort_percentage == 100  # two per task
    edited = project.label_config.replace('<Header value="$title"/>', '<Header value="$title"/><Header value="x"/>')
    ls.projects.update(id=project.id, label_config=edited)
    capsys.readouterr()
    assert main(push) == 1
    err = capsys.readouterr().err
    assert '-  <Header value="$title"/><Header value="x"/>' in err and "pass --force to replace it" in err
    assert ls.projects.get(id=project.id).label_config == edited
    root = tmp_path / "annotations"
    register(root, "pm-failures")
    pull = ["studio", "pull", "--project", PROJECT, "--annotations", str(root),
            "--annotator", f"{label_studio.admin_id}=pm-failures"]
    before = {p: p.read_bytes() for p in files_under(root)}
    assert main(pull) == 1  # a pull refuses it too: labels made with another config may not import
    assert "has a labeling config other than `kdc studio config`" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in files_under(root)} == before
    assert main([*push, "--force"]) == 0
    assert ls.projects.get(id=project.id).label_config != edited
    assert main(pull) == 0

#!/usr/bin/env bash
# Install what the integration tests start: the Label Studio server, in its OWN virtual
# environment (it pins pyarrow and label-studio-sdk, so it must not share the project venv),
# and Debian's chromium + chromium-driver, in which the tests use the labeling page as a person does.
#
#   KDC_LS_VENV   where to put the venv (default: $PWD/.venv-labelstudio)
#   KDC_PYTHON    interpreter used to create it (default: python3)
#
# Idempotent: does nothing when the venv already has the pinned version.
# Prints the venv path on stdout (the last line); progress goes to stderr.
set -euo pipefail

LS_VERSION="1.23.2"
VENV="${KDC_LS_VENV:-$PWD/.venv-labelstudio}"
PYTHON="${KDC_PYTHON:-python3}"

installed_version() {
    "$VENV/bin/python" -c \
        'import importlib.metadata as m; print(m.version("label-studio"))' 2>/dev/null || true
}

if [ -x "$VENV/bin/label-studio" ] && [ "$(installed_version)" = "$LS_VERSION" ]; then
    echo "label-studio $LS_VERSION already installed in $VENV" >&2
else
    echo "installing label-studio $LS_VERSION into $VENV (about 100 s)" >&2
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "label-studio==$LS_VERSION" >&2
    got="$(installed_version)"
    if [ "$got" != "$LS_VERSION" ]; then
        echo "error: expected label-studio $LS_VERSION in $VENV, found '${got}'" >&2
        exit 1
    fi
fi

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    echo "chromium and chromedriver already installed" >&2
else
    echo "installing Debian's chromium and chromium-driver (the page tests' browser)" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >&2
fi

echo "$VENV"

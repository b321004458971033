"""Fixtures: throw-away JupyterLab and Voila servers on free loopback ports, and Debian's chromium
driven by Playwright. Servers are session-scoped (two cores: start each once)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import CHROMIUM, ROOT, launch

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early (rc={proc.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} not up after {timeout} s:\n{log.read_text()}")


def serve(cmd: list[str], probe: str, port: int, extra: tuple[Path, ...] = ()) -> Iterator[str]:
    """Run a server on a scratch copy of notebooks/ (plus the ``extra`` notebooks) in its own
    process group; yield its URL."""
    for base, _ in serve_process(cmd, probe, port, extra=extra):
        yield base


def serve_process(cmd: list[str], probe: str, port: int,
                  root: Path | None = None,
                  extra: tuple[Path, ...] = ()) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``serve``, yielding the server process too (its kernels are its children). The app's own
    settings come along: voila.json in the served root, its template on JUPYTER_PATH."""
    tmp = Path(tempfile.mkdtemp(prefix="flatclosure-e2e-"))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=f"{tmp}/config", JUPYTER_RUNTIME_DIR=f"{tmp}/runtime",
               JUPYTERLAB_WORKSPACES_DIR=f"{tmp}/workspaces",
               JUPYTERLAB_SETTINGS_DIR=f"{tmp}/settings",
               JUPYTER_PATH=str(ROOT / "share" / "jupyter"))
    # a scratch copy: JupyterLab autosaves every 120 s and writes .ipynb_checkpoints
    shutil.copytree(ROOT / "notebooks", tmp / "root" / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for path in extra:
        shutil.copyfile(path, tmp / "root" / "notebooks" / path.name)
    shutil.copyfile(ROOT / "voila.json", tmp / "root" / "voila.json")
    # hide JupyterLab's "official Jupyter news?" toast, which covers screenshots
    (tmp / "config" / "labconfig").mkdir(parents=True)
    (tmp / "config" / "labconfig" / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}')
    log_path = tmp / "server.log"
    base = f"http://127.0.0.1:{port}"
    log = open(log_path, "w")  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(cmd, cwd=root or tmp / "root", env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_http(base + probe, proc, log_path)
        yield base, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # its own process group only: server + kernels
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def lab_command(port: int) -> list[str]:
    return [str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
            "--ServerApp.token=", "--ServerApp.password=", "--allow-root",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]


def voila_command(port: int, preheat: bool = False) -> list[str]:
    """Voila as ``make app`` runs it, with the settings of voila.json (copied into the served root
    by ``serve``); ``preheat=False`` turns the warm kernels off (a lighter server for tests that
    open one page per notebook)."""
    cmd = [str(BIN / "voila"), "notebooks", "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1"]
    return cmd + ([] if preheat else ["--VoilaConfiguration.preheat_kernel=False"])


def need_chromium() -> None:
    """Skip without chromium, except in CI (CI=true), where the browser tests must run."""
    if Path(CHROMIUM).exists():
        return
    reason = f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lab_url() -> Iterator[str]:
    need_chromium()
    port = _free_port()
    # the notebooks live under notebooks/ in the served root
    yield from serve(lab_command(port), "/api/status", port)


@pytest.fixture(scope="session")
def voila_url() -> Iterator[str]:
    need_chromium()
    port = _free_port()
    # NOT "/" as the probe: every page view executes a notebook
    yield from serve(voila_command(port), "/voila/static/voila.js", port)


@pytest.fixture(scope="session")
def browser_context() -> Iterator[Any]:
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser, ctx = launch(p)
        yield ctx
        ctx.close()
        browser.close()


@pytest.fixture()
def page(browser_context: Any) -> Iterator[Any]:
    pg = browser_context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    pg.close()

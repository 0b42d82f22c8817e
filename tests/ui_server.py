"""Start the real app (app.py) in a subprocess on a free loopback port, for the browser and
concurrency tests and the UI benchmark. User state and the index live in given folders."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


class App(NamedTuple):
    url: str
    seconds: float  # from start until the page answered
    pid: int


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) a process has used so far; Linux /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def running_app(data_dir: Path, index_dir: Path, timeout: float = 600.0,
                extra_env: dict[str, str] | None = None) -> Iterator[App]:
    """Yields App(base URL, seconds until the page answered, pid). Stops the app after."""
    port = free_port()
    env = {**os.environ, "ASSISTANT_HOST": "127.0.0.1", "ASSISTANT_PORT": str(port),
           "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_INDEX_DIR": str(index_dir),
           "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    for name in ("ASSISTANT_LLM_BASE_URL", "ASSISTANT_LLM_MODEL", "ASSISTANT_LLM_LOCAL", "ASSISTANT_DB_URL"):
        if name not in (extra_env or {}):
            env.pop(name, None)
    log_path = Path(data_dir) / "app.log"
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}/"
    start = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            while not _answers(url):
                if proc.poll() is not None or time.perf_counter() - start > timeout:
                    tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                    raise RuntimeError(f"app did not start (exit {proc.poll()}):\n{tail}")
                time.sleep(0.2)
            yield App(url, time.perf_counter() - start, proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


try:
    import pytest
except ImportError:  # the benchmark imports this module without pytest
    pytest = None

if pytest is not None:

    @pytest.fixture(scope="session")
    def chat_index_dir(tmp_path_factory) -> Path:
        """One index folder for all chat/UI tests of a session, built once from corpus/."""
        return tmp_path_factory.mktemp("chat-index")

    @pytest.fixture(scope="session")
    def chat_retriever(chat_index_dir):
        """A Retriever over the session's index (builds it on first use)."""
        from assistant.retrieval.search import Retriever

        return Retriever.open(index_dir=chat_index_dir)

    @pytest.fixture(scope="session")
    def ui_index_dir(chat_retriever, chat_index_dir) -> Path:
        """The built index folder, for apps started in a subprocess."""
        return chat_index_dir

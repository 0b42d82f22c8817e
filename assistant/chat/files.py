"""Files the page serves — exports and uploads — each only to the user or browser that made it.

Gradio serves every file under its cache folder (and any `allowed_paths`) to whoever asks for its
path at /gradio_api/file=…, logged in or not. So:

- data/ is never served (the page passes it as `blocked_paths`); an export is copied into the
  Gradio cache under a random folder (`publish`) and only that copy is offered for download;
- `FileGuard`, an ASGI middleware, answers 404 for any file in the Gradio cache or in data/ that
  was not published or uploaded by the requester, and records who uploaded what;
- the requester is the logged-in user, else the browser's random HttpOnly cookie (`COOKIE`),
  which the middleware sets on the first response.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import threading
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from assistant import config

COOKIE = "jxmb_file_key"
FILE_ROUTE = re.compile(r"^(?:/gradio_api)?/file[=/](.+)$")
UPLOAD_ROUTES = ("/gradio_api/upload", "/upload")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

MESSAGES = {
    "not_yours": "找不到这个上传的文件，请重新上传。",
}

_owners: dict[str, set[str]] = {}
_lock = threading.Lock()


def new_folder(kind: str) -> Path:
    """data_dir()/<kind>/<random token>: a folder for one file, not derivable from its owner."""
    folder = config.data_dir() / kind / secrets.token_urlsafe(16)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _key(path: str | Path) -> str:
    return os.path.realpath(os.path.abspath(str(path)))


def own(path: str | Path, requester: str | None) -> None:
    if requester:
        with _lock:
            _owners.setdefault(_key(path), set()).add(requester)


def owns(path: str | Path, requester: str | None) -> bool:
    with _lock:
        return bool(requester) and requester in _owners.get(_key(path), ())


def requester(username: str | None, cookies: dict[str, str]) -> str | None:
    """`user:<name>` when logged in, else `browser:<cookie>`; None without either."""
    if username:
        return f"user:{username}"
    cookie = cookies.get(COOKIE)
    return f"browser:{cookie}" if isinstance(cookie, str) and _TOKEN.fullmatch(cookie) else None


def request_requester(request: Any) -> str | None:
    """The requester of a Gradio event (gr.Request)."""
    if request is None:
        return None
    try:
        cookies = dict(request.cookies)
    except Exception:  # noqa: BLE001 - a request without cookies
        cookies = {}
    return requester(getattr(request, "username", None), cookies)


def gradio_cache() -> Path:
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder())


def publish(path: str | Path, owner: str | None) -> str:
    """Copy a file the app made into the Gradio cache under a random folder, for `owner` only;
    returns the copy's path (Gradio serves files already in its cache as they are)."""
    path = Path(path)
    folder = gradio_cache() / f"jxmb-{secrets.token_urlsafe(24)}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    shutil.copyfile(path, target)
    own(target, owner)
    return str(target)


def _guarded_roots() -> list[str]:
    from gradio.utils import get_cache_folder

    return [_key(gradio_cache()), _key(config.data_dir()), _key(get_cache_folder())]


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root + os.sep) for root in roots)


def _username(app: Any, cookies: dict[str, str]) -> str | None:
    """The logged-in user, as Gradio's own login check finds it."""
    tokens, cookie_id = getattr(app, "tokens", None) or {}, getattr(app, "cookie_id", "")
    for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
        user = tokens.get(cookies.get(name))
        if user:
            return user
    return None


class FileGuard:
    """ASGI middleware for Gradio's app: owner-only file reads, uploads recorded per requester,
    and the browser cookie that identifies a requester without login."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        new_cookie = None if requester(None, cookies) else secrets.token_urlsafe(24)
        if new_cookie:
            cookies[COOKIE] = new_cookie
        who = requester(_username(scope.get("app"), cookies), cookies)
        send = _with_cookie(send, new_cookie) if new_cookie else send
        route = FILE_ROUTE.match(scope.get("path", ""))
        if route and scope.get("method") in ("GET", "HEAD"):
            target = route.group(1)  # already percent-decoded, as the route gets it
            if not target.startswith(("http://", "https://")):
                path = _key(target)
                if _inside(path, _guarded_roots()) and not owns(path, who):
                    await _not_found(send)
                    return
        elif scope.get("path") in UPLOAD_ROUTES and scope.get("method") == "POST":
            send = _recording_uploads(send, who)
        await self.app(scope, receive, send)


def _cookies(scope: dict) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no cookie
                pass
    return {name: morsel.value for name, morsel in jar.items()}


def _with_cookie(send: Any, value: str) -> Any:
    header = f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000".encode("latin-1")

    async def wrapped(message: dict) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", header)]}
        await send(message)

    return wrapped


def whole_response(send: Any, finish: Any) -> Any:
    """An ASGI `send` that holds a response until its whole body is in, then passes the start
    message and the body through `finish(start, body) -> (start, body)` and sends them."""
    start: dict | None = None
    body = bytearray()

    async def wrapped(message: dict) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        body.extend(message.get("body", b""))
        if message.get("more_body"):
            return
        head, data = finish(start, bytes(body))
        await send(head)
        await send({"type": "http.response.body", "body": data})

    return wrapped


def _recording_uploads(send: Any, who: str | None) -> Any:
    """Hold the upload's answer (a JSON list of the stored paths) until its paths are recorded
    as the requester's, so the first read of an upload already finds its owner."""

    def finish(start: dict, body: bytes) -> tuple[dict, bytes]:
        if start.get("status") == 200:
            try:
                paths = json.loads(body)
            except ValueError:
                paths = []
            for path in paths if isinstance(paths, list) else []:
                if isinstance(path, str):
                    own(path, who)
        return start, body

    return whole_response(send, finish)


async def _not_found(send: Any) -> None:
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": b"Not Found"})

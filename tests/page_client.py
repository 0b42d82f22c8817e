"""A user of the page over raw HTTP, speaking to the app as the browser does (login form,
/gradio_api/queue/join + the SSE stream, /gradio_api/upload, /gradio_api/file=), so tests can
also send what a browser would not: another session's hash, another user's file path."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import httpx

API = "/gradio_api"


class PageClient:
    def __init__(self, url: str, auth: tuple[str, str] | None = None, timeout: float = 120.0) -> None:
        self.http = httpx.Client(base_url=url, timeout=timeout)
        if auth is not None:
            response = self.http.post("/login", data={"username": auth[0], "password": auth[1]})
            response.raise_for_status()
        self.config = self.http.get("/config").raise_for_status().json()
        self.session_hash = secrets.token_hex(6)
        self._components = {c["id"]: c for c in self.config["components"]}

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "PageClient":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # events -------------------------------------------------------------------------------
    def event(self, trigger: str, kind: str = "click") -> tuple[int, int]:
        """(fn_index, trigger id) of the event `kind` on the component whose elem_id, label or
        (for a button) text is `trigger`; "load" for the page's load event."""
        for index, dep in enumerate(self.config["dependencies"]):
            for target_id, event in dep["targets"]:
                if event != kind:
                    continue
                props = self._components.get(target_id, {}).get("props", {})
                if kind == "load" or trigger in (props.get("elem_id"), props.get("label"), props.get("value")):
                    return index, target_id
        raise KeyError(f"no {kind} event on {trigger!r}")

    def call(self, trigger: str, *data: Any, kind: str = "click", session_hash: str | None = None) -> list[Any]:
        """Run one event and return its outputs (raises RuntimeError with the error text)."""
        fn_index, target = self.event(trigger, kind)
        session = session_hash or self.session_hash
        body = {"data": list(data), "event_data": None, "fn_index": fn_index, "trigger_id": target,
                "session_hash": session}
        event_id = self.http.post(f"{API}/queue/join", json=body).raise_for_status().json()["event_id"]
        with self.http.stream("GET", f"{API}/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") not in (None, event_id) or message.get("msg") != "process_completed":
                    continue
                output = message.get("output") or {}
                if not message.get("success"):
                    raise RuntimeError(output.get("error") or str(message))
                return output["data"]
        raise RuntimeError("stream ended before the event completed")

    # files --------------------------------------------------------------------------------
    def upload(self, path: Path) -> dict[str, Any]:
        """Upload a file as the page does; returns the FileData for an event's input."""
        with open(path, "rb") as handle:
            response = self.http.post(f"{API}/upload", files={"files": (path.name, handle)})
        server_path = response.raise_for_status().json()[0]
        return {"path": server_path, "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}

    def fetch(self, path_or_url: str) -> httpx.Response:
        """GET a served file by its server path or its /gradio_api/file= URL."""
        if "/file=" in path_or_url:
            path_or_url = path_or_url.split("/file=", 1)[1]
        return self.http.get(f"{API}/file={path_or_url}")

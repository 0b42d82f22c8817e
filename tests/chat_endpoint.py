"""A tiny OpenAI-compatible chat endpoint on 127.0.0.1 for tests: a real ChatOpenAI talks to it
over HTTP, so the whole client path runs without a model. Shared by test_llm_local.py and
test_llm_drafter.py."""

from __future__ import annotations

import json
import threading
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(content: str, finish_reason: str = "stop") -> dict:
    """A /chat/completions response body with one choice."""
    return {
        "id": "canned", "object": "chat.completion", "created": 0, "model": "canned",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@dataclass(frozen=True)
class HttpReply:
    """A whole HTTP answer: status and JSON body (for error statuses)."""

    status: int
    body: dict


class ChatEndpoint:
    """POST …/chat/completions: each request takes the next canned answer — a dict is sent as
    the JSON content of the reply, a (text, finish_reason) pair as is, an HttpReply verbatim.
    Without `upstream` the last answer repeats; with `upstream` (base URL, model name), once
    the answers are used up each request is forwarded there (the real model).
    Every request body is kept in `requests`."""

    def __init__(self, answers: list[Any], upstream: tuple[str, str] | None = None) -> None:
        self.answers = list(answers)
        self.upstream = upstream
        self.requests: list[dict] = []
        self.forwarded = 0
        self._lock = threading.Lock()

    def _reply(self, body: bytes) -> tuple[int, bytes]:
        request = json.loads(body or b"{}")
        with self._lock:
            self.requests.append(request)
            if self.upstream is None:
                answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
            else:
                answer = self.answers.pop(0) if self.answers else None
        if answer is None:
            return 200, self._forward(request)
        if isinstance(answer, HttpReply):
            return answer.status, json.dumps(answer.body, ensure_ascii=False).encode()
        text, finish = answer if isinstance(answer, tuple) else (json.dumps(answer, ensure_ascii=False), "stop")
        return 200, json.dumps(completion(text, finish), ensure_ascii=False).encode()

    def _forward(self, request: dict) -> bytes:
        base_url, model = self.upstream
        with self._lock:
            self.forwarded += 1
        data = json.dumps({**request, "model": model}, ensure_ascii=False).encode()
        req = urllib.request.Request(f"{base_url}/chat/completions", data=data, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=900) as resp:
            return resp.read()

    def contents(self, index: int) -> list[tuple[str, str]]:
        """(role, content) of each message of request `index`."""
        return [(m["role"], m["content"]) for m in self.requests[index]["messages"]]

    @contextmanager
    def serve(self):
        """Yields the base URL (…/v1) while the server runs in a thread."""
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                status, data = endpoint._reply(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/v1"
        finally:
            server.shutdown()
            server.server_close()

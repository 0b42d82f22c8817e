"""`llm-serve [--port N]`: run the embedded local model (OpenAI-compatible, 127.0.0.1 only)
in the foreground, so the app or any client can point ASSISTANT_LLM_BASE_URL at it."""

from __future__ import annotations

import signal
import sys
import time

DEFAULT_PORT = 8088

MESSAGES = {
    "help": "在本机启动本地大模型服务（OpenAI 兼容接口，仅监听 127.0.0.1，Ctrl+C 停止）",
    "port": f"端口（默认 {DEFAULT_PORT}）",
    "threads": "推理线程数（默认 1；在 2 核机器上 1 线程最快）",
    "ctx": "上下文长度（token，默认 4096）",
    "loading": "正在加载本地大模型：{path}",
    "ready": "本地大模型已就绪（加载 {seconds:.1f} 秒）：{url}\n在 .env 中这样设置即可使用：",
    "stop_hint": "按 Ctrl+C 停止。",
    "stopped": "本地大模型已停止。",
}


def register(subparsers) -> None:
    p = subparsers.add_parser("llm-serve", help=MESSAGES["help"])
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=MESSAGES["port"])
    p.add_argument("--threads", type=int, default=None, help=MESSAGES["threads"])
    p.add_argument("--ctx", type=int, default=4096, help=MESSAGES["ctx"])
    p.set_defaults(func=run)


def run(args) -> int:
    from assistant.llm.client import LOCAL_TIMEOUT
    from assistant.llm.local import LocalLLMServer, ensure_gguf

    # `kill` (SIGTERM) stops as cleanly as Ctrl+C: the with-block below unwinds.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    path = ensure_gguf()
    print(MESSAGES["loading"].format(path=path), flush=True)
    with LocalLLMServer(path, port=args.port, n_threads=args.threads, n_ctx=args.ctx) as server:
        print(MESSAGES["ready"].format(seconds=server.load_seconds, url=server.base_url))
        print(f"  ASSISTANT_LLM_BASE_URL={server.base_url}")
        print(f"  ASSISTANT_LLM_MODEL={server.model}")
        print(f"  ASSISTANT_LLM_TIMEOUT={LOCAL_TIMEOUT:.0f}")
        print(MESSAGES["stop_hint"], flush=True)
        try:
            while True:
                time.sleep(3600)
        finally:
            print(MESSAGES["stopped"], flush=True)

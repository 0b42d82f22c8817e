"""`setup [--local-llm]`: prepare local models from installed packages (idempotent, offline)."""

from __future__ import annotations

MESSAGES = {
    "help": "准备本地模型（从已安装的软件包生成嵌入模型；可选本地大模型）",
    "local_llm": "同时准备本地大模型（Qwen2.5 GGUF，来自 local-llm 附加依赖）",
    "embedding_ready": "嵌入模型就绪：{path}",
    "llm_ready": "本地大模型就绪：{path}",
}


def register(subparsers) -> None:
    p = subparsers.add_parser("setup", help=MESSAGES["help"])
    p.add_argument("--local-llm", action="store_true", help=MESSAGES["local_llm"])
    p.set_defaults(func=run)


def run(args) -> int:
    from assistant.retrieval.model_files import ensure_embedding_model

    print(MESSAGES["embedding_ready"].format(path=ensure_embedding_model()))
    if args.local_llm:
        from assistant.llm.local import ensure_gguf

        print(MESSAGES["llm_ready"].format(path=ensure_gguf()))
    return 0

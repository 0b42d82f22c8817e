"""The settings object holds every ASSISTANT_* variable the code names, honours Gradio's own
GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, and the README's table is the one it generates."""

from __future__ import annotations

import re
from pathlib import Path

from assistant import config

ROOT = Path(__file__).resolve().parent.parent
VARIABLE = re.compile(r"\bASSISTANT_[A-Z_]*[A-Z]\b")


def _code_files() -> list[Path]:
    return [*ROOT.joinpath("assistant").rglob("*.py"), ROOT / "app.py", *ROOT.joinpath("scripts").glob("*")]


def test_every_variable_named_in_the_code_is_a_setting():
    known = {v for name in config.Settings.model_fields for v in config.env_names(name)}
    named = {v for path in _code_files() if path.is_file() for v in VARIABLE.findall(path.read_text("utf-8"))}
    assert named - known == set(), f"variables without a setting: {sorted(named - known)}"


def test_only_config_reads_the_environment_for_settings():
    reads = re.compile(r"os\.environ(?:\.get)?\(?\[?[\"']ASSISTANT_|getenv\([\"']ASSISTANT_")
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.joinpath("assistant").rglob("*.py")
                 if p.name != "config.py" and reads.search(p.read_text("utf-8"))]
    assert offenders == []


def test_readme_table_is_the_generated_one():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert config.markdown_table() in readme, "README out of date: paste `python -m assistant.config`"


def test_gradio_variables_and_precedence(monkeypatch):
    for name in ("ASSISTANT_HOST", "ASSISTANT_PORT", "GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT"):
        monkeypatch.delenv(name, raising=False)
    assert (config.settings().host, config.settings().port) == ("127.0.0.1", 7860)
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "7999")
    assert (config.settings().host, config.settings().port) == ("0.0.0.0", 7999)
    monkeypatch.setenv("ASSISTANT_PORT", "8123")  # ours first
    assert config.settings().port == 8123


def test_env_file_and_mapping(tmp_path, monkeypatch):
    env_file = tmp_path / "x.env"
    env_file.write_text("ASSISTANT_PROFILE=mof-2021\nASSISTANT_LLM_TIMEOUT=abc\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_ENV_FILE", str(env_file))
    monkeypatch.delenv("ASSISTANT_PROFILE", raising=False)
    assert config.default_profile() == "mof-2021"
    assert config.settings().llm_timeout is None  # not a number: the default, as before
    monkeypatch.setenv("ASSISTANT_PROFILE", "hebei-2025")  # the environment wins over the file
    assert config.default_profile() == "hebei-2025"
    only = config.Settings.from_env({"ASSISTANT_DATA_DIR": str(tmp_path), "ASSISTANT_USERS": "a:b"})
    assert only.data_dir == tmp_path.resolve() and only.profile == "hebei-2025"
    assert "a:b" not in repr(only)  # secrets stay hidden

"""Shared fixtures. Every test runs with user state (data/, index/) in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_TXT = ROOT / "corpus" / "sources" / "000_991aea9c0f3c36de.txt"


@pytest.fixture(autouse=True)
def _isolated_user_state(tmp_path_factory, monkeypatch):
    """Point data_dir at a fresh folder so no test touches the developer's drafts."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    yield


@pytest.fixture(scope="session")
def seed_txt() -> Path:
    return SEED_TXT


@pytest.fixture(scope="session")
def seed_doc(seed_txt):
    from assistant.parsers import load_path

    return load_path(seed_txt)


@pytest.fixture(scope="session")
def real_server():
    """The embedded local model (slow tests only), started once per session and shared by every
    test module that needs it: a second server would load the 1.1 GB model again."""
    from assistant.llm.local import LocalLLMServer

    with LocalLLMServer() as server:
        print(f"\n[llm] model load: {server.load_seconds:.1f} s at {server.base_url}")
        yield server


@pytest.fixture(scope="session")
def shared_retriever(tmp_path_factory):
    """The real retriever (real model, real Chroma) over the shipped corpus, built once per
    session in a temporary index so tests never write into the project's index/."""
    from assistant.retrieval.search import Retriever

    return Retriever.open(index_dir=tmp_path_factory.mktemp("shared-index"))

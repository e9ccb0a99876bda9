"""Save and load an ``MLP`` as plain, validated JSON (never pickle, never eval).

A model file looks like this (one number per parameter, keyed by its label)::

    {
      "format": "microgradx-mlp",
      "version": 1,
      "config": {"nin": 2, "nouts": [4, 1], "activation": "relu", ...},
      "parameters": {"L1.N1.w0": 0.5488135039273248, ..., "L2.N1.b": 0.0}
    }

Floats are written with ``repr`` precision, so ``load(save(model))`` predicts bit-for-bit
what the saved model predicted. ``save`` writes a temporary file in the same directory,
flushes it to disk and renames it over the target in one step (``os.replace``), so a crash
or error mid-save leaves the previous file as it was and no temporary file behind.
``load`` treats the file as untrusted: anything but a well-formed model of this format and
version raises ``ValueError`` saying what is wrong, and the file is never modified. It
refuses a FIFO, device or directory at once (without blocking), checks the size before
reading, and counts the file's JSON arrays and objects while reading it in chunks, so a
file built to make the JSON parser allocate gigabytes (``[[],[],…]``) is refused after its
first megabyte.
"""

from __future__ import annotations

import inspect
import itertools
import json
import math
import os
import stat
from pathlib import Path
from typing import Any

from ._checks import is_int, is_real
from ._files import atomic_open, file_kind
from .nn import MLP

FORMAT = "microgradx-mlp"
VERSION = 1
MAX_BYTES = 64 * 1024 * 1024
"""Default size limit for ``load``: room for ``MAX_PARAMETERS`` with long names."""

MAX_PARAMETERS = 1_000_000
"""Default parameter limit for ``load``, far beyond a scalar MLP (one takes ~30 s to load).
The file's commas are counted before parsing, so a flood of tiny values is refused early."""

MAX_CONTAINERS = 64
"""JSON arrays and objects a model file may hold; ``save`` writes four (the document, config,
its ``nouts`` list and parameters). Counted before parsing: each costs the parser memory."""

_TOP_KEYS = ("format", "version", "config", "parameters")
_CHUNK = 1 << 20

__all__ = ["FORMAT", "MAX_BYTES", "MAX_CONTAINERS", "MAX_PARAMETERS", "VERSION", "load", "save"]


def _as_path(path: Any, where: str) -> Path:
    if isinstance(path, (str, os.PathLike)):
        return Path(path)
    raise TypeError(f"{where}: path must be a str or os.PathLike, got {type(path).__name__}")


def save(model: MLP, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` (architecture and every parameter) to ``path`` as JSON, atomically."""
    if not isinstance(model, MLP):
        raise TypeError(f"save: expected an MLP, got {type(model).__name__}")
    target = _as_path(path, "save")
    try:
        config = model.config()  # read from the layers: what the model computes now
    except ValueError as e:
        raise ValueError(f"save: {e}") from None
    # The names load will expect, by position: a relabelled parameter is still the same weight.
    names = [name for name, _ in MLP(**{"seed": 0, **config}).named_parameters()]
    values = [float(p.data) for p in model.parameters()]
    document = {
        "format": FORMAT,
        "version": VERSION,
        "config": config,
        "parameters": dict(zip(names, values, strict=True)),
    }
    with atomic_open(target, "w") as f:
        json.dump(document, f, indent=1, allow_nan=False)
        f.write("\n")
    return target


# -- loading: every check raises ValueError("load: <file>: <what is wrong>") ------------------


def _reject_constant(token: str) -> float:
    # json accepts NaN, Infinity and -Infinity by default; a model file must not.
    raise ValueError(f"non-finite number {token} is not allowed")


def _finite_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):  # e.g. 1e999 parses to inf
        raise ValueError(f"number {token[:40]} is too large for a float")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Plain json silently keeps the last of duplicate keys; that would hide a corrupted file.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _number(value: Any) -> float:
    """A finite float from a parsed JSON number; ValueError for anything else."""
    if not is_real(value):
        raise ValueError(f"expected a number, got {type(value).__name__} {_short(value)}")
    try:
        result = float(value)
    except OverflowError:
        raise ValueError(f"number {_short(value)} is too large for a float") from None
    if not math.isfinite(result):
        raise ValueError(f"number {_short(value)} is not finite")
    return result


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _names(keys: Any) -> str:
    shown = sorted(map(str, keys))
    more = f" (and {len(shown) - 5} more)" if len(shown) > 5 else ""
    return ", ".join(repr(k) for k in shown[:5]) + more


def _expected_parameter_count(config: dict[str, Any]) -> int:
    """Parameters the config describes, computed before building anything (bounds memory)."""
    nin: Any = config.get("nin")
    nouts: Any = config.get("nouts")
    if not is_int(nin) or nin < 1:
        raise ValueError(f"config 'nin' must be an integer >= 1, got {_short(nin)}")
    if not isinstance(nouts, list) or not nouts:
        raise ValueError(f"config 'nouts' must be a non-empty list of widths, got {_short(nouts)}")
    for width in nouts:
        if not is_int(width) or width < 1:
            raise ValueError(f"config 'nouts' holds {_short(width)}; widths must be integers >= 1")
    sizes = [nin, *nouts]
    return sum((fan_in + 1) * width for fan_in, width in itertools.pairwise(sizes))


def _config_keys() -> tuple[set[str], set[str]]:
    """(required, allowed) config keys, read from the MLP constructor so they never drift."""
    params = list(inspect.signature(MLP.__init__).parameters.values())[1:]  # skip self
    allowed = {p.name for p in params}
    required = {p.name for p in params if p.default is inspect.Parameter.empty}
    return required, allowed


def _parse(text: str) -> dict[str, Any]:
    try:
        document = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as e:
        raise ValueError(f"not valid JSON (truncated or corrupted?): {e}") from None
    except (ValueError, RecursionError) as e:  # from the hooks, or huge integers / deep nesting
        raise ValueError(f"invalid JSON content: {e}") from None
    if not isinstance(document, dict):
        raise ValueError(f"expected a JSON object at the top level, got {type(document).__name__}")
    return document


def _check_document(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    missing = [k for k in _TOP_KEYS if k not in document]
    unknown = set(document) - set(_TOP_KEYS)
    if missing:
        raise ValueError(f"missing key(s) {_names(missing)}")
    if unknown:
        raise ValueError(f"unknown key(s) {_names(unknown)}")
    if document["format"] != FORMAT:
        raise ValueError(f"format is {_short(document['format'])}, expected {FORMAT!r}")
    version = document["version"]
    if isinstance(version, bool) or version != VERSION:
        raise ValueError(f"unsupported version {_short(version)}; this microgradx reads {VERSION}")
    config, parameters = document["config"], document["parameters"]
    if not isinstance(config, dict):
        raise ValueError(f"'config' must be an object, got {type(config).__name__}")
    if not isinstance(parameters, dict):
        raise ValueError(f"'parameters' must be an object, got {type(parameters).__name__}")
    required, allowed = _config_keys()
    if required - set(config):
        raise ValueError(f"config is missing key(s) {_names(required - set(config))}")
    if set(config) - allowed:
        raise ValueError(f"config has unknown key(s) {_names(set(config) - allowed)}")
    return config, parameters


def _build(config: dict[str, Any], parameters: dict[str, Any], max_parameters: int) -> MLP:
    expected = _expected_parameter_count(config)
    if expected > max_parameters:
        raise ValueError(
            f"the architecture has {expected} parameters, more than max_parameters="
            f"{max_parameters}; pass load(..., max_parameters=N) to allow it"
        )
    if len(parameters) != expected:
        raise ValueError(
            f"the architecture has {expected} parameters but the file holds {len(parameters)}"
        )
    values = {}
    for name, value in parameters.items():
        try:
            values[name] = _number(value)
        except ValueError as e:
            raise ValueError(f"parameter {name!r}: {e}") from None
    try:
        # A private seed: the draws are overwritten below, and loading a model must not move
        # the caller's global ``random`` stream (which MLP uses without a seed, as micrograd).
        model = MLP(**{"seed": 0, **config})
    except (TypeError, ValueError) as e:
        raise ValueError(f"invalid architecture: {e}") from None
    names = [name for name, _ in model.named_parameters()]
    if set(names) != set(values):
        missing, unknown = set(names) - set(values), set(values) - set(names)
        raise ValueError(
            f"parameter names do not match the architecture: missing {_names(missing)}; "
            f"unknown {_names(unknown)}"
        )
    model.load_parameters([values[name] for name in names])
    return model


def _read_text(source: Path, max_bytes: int, max_parameters: int) -> str:
    """The file's text, refusing non-regular files, oversized files and floods of JSON early."""
    # O_NONBLOCK: opening a FIFO for reading must not wait for a writer; fstat then refuses it.
    fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ValueError(f"is {file_kind(info.st_mode)}, not a model file")
    with os.fdopen(fd, "rb") as f:
        too_large = f"file is larger than {max_bytes} bytes; not a microgradx model"
        if info.st_size > max_bytes:
            raise ValueError(too_large)
        raw, containers, commas = bytearray(), 0, 0
        # The parser's memory grows with the number of containers and values, not with bytes:
        # count both (C-speed bytes.count) and stop before parsing a file that has too many.
        # Brackets and commas inside strings count too: a model file has none, so this errs safe.
        while chunk := f.read(_CHUNK):
            containers += chunk.count(b"[") + chunk.count(b"{")
            commas += chunk.count(b",")
            if containers > MAX_CONTAINERS:
                raise ValueError(
                    f"more than {MAX_CONTAINERS} JSON arrays/objects (a model file has 4); "
                    "not a microgradx model"
                )
            if commas > max_parameters + MAX_CONTAINERS:  # config keys and widths: a few dozen
                raise ValueError(
                    f"more than {max_parameters} values; for a bigger model pass "
                    "load(..., max_parameters=N)"
                )
            raw += chunk
            if len(raw) > max_bytes:  # the file grew after fstat: never read past the limit
                raise ValueError(too_large)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not a text (UTF-8) file; is it a model file at all?") from None


def load(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_BYTES,
    max_parameters: int = MAX_PARAMETERS,
) -> MLP:
    """Read a model written by ``save``; ValueError naming the problem for any invalid file."""
    source = _as_path(path, "load")
    for name, limit in (("max_bytes", max_bytes), ("max_parameters", max_parameters)):
        if not is_int(limit) or limit < 1:
            raise ValueError(f"load: {name} must be an integer >= 1, got {limit!r}")
    try:
        text = _read_text(source, max_bytes, max_parameters)
        config, parameters = _check_document(_parse(text))
        del text  # the parsed document replaces it: free it before building the model
        return _build(config, parameters, max_parameters)
    except ValueError as e:
        raise ValueError(f"load: {source}: {e}") from None

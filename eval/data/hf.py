"""Hugging Face ``datasets`` reference sets: a hub name or a ``save_to_disk`` folder.

Spec syntax: ``hf:<name>[/<config>][:<split>]``, e.g. ``hf:cnn_dailymail/3.0.0:test``,
``hf:EdinburghNLP/xsum:test`` or ``hf:abisee/cnn_dailymail/3.0.0:validation``.  With two
``/``-separated parts the second is taken as a config when it starts with a digit
(``cnn_dailymail/3.0.0``), otherwise as the dataset name under an owner.  A folder
written by ``Dataset.save_to_disk`` / ``DatasetDict.save_to_disk`` is read with
``load_from_disk`` (``path[:split]``).

``datasets`` is imported only here, only when such a spec is read.  Before calling the
hub we check, within seconds, that it answers; when it does not and the data set is not
in the local cache, :class:`~sumbench.common.errors.OfflineError` says so instead of hanging.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .fields import FieldMap, make_example, resolve_fields
from sumbench.common.errors import InputError, OfflineError
from .records import Example
from sumbench.common.hub import hub_endpoint
from sumbench.common.hub import hub_reachable as model_hub_reachable

PREFIX = "hf:"
DEFAULT_SPLIT = "test"


@dataclass(frozen=True)
class HubSpec:
    """A parsed ``hf:`` spec."""

    name: str
    config: str | None
    split: str


def parse_hub_spec(spec: str) -> HubSpec:
    """``hf:name[/config][:split]`` -> :class:`HubSpec`."""
    body = spec[len(PREFIX):] if spec.startswith(PREFIX) else spec
    path, _, split = body.partition(":")
    parts = [p for p in path.split("/") if p]
    if not parts or len(parts) > 3:
        raise InputError(f"{spec}: expected hf:<name>[/<config>][:<split>]")
    config = None
    if len(parts) == 3:
        config = parts[2]
        parts = parts[:2]
    elif len(parts) == 2 and parts[1][:1].isdigit():
        config = parts[1]
        parts = parts[:1]
    return HubSpec(name="/".join(parts), config=config, split=split or DEFAULT_SPLIT)


def hub_reachable() -> bool:
    """Whether the hub answers within seconds (``summarize.hub``'s probe, which also
    guards against a hanging name lookup); never when the user asked for offline mode."""
    if os.environ.get("HF_DATASETS_OFFLINE", "").lower() in ("1", "true", "yes"):
        return False
    return model_hub_reachable()


@contextmanager
def _offline_mode(offline: bool) -> Iterator[None]:
    """Make ``datasets`` use only its local cache (it reads these flags at import time)."""
    if not offline:
        yield
        return
    import datasets.config
    import huggingface_hub.constants as hub_constants

    saved = (datasets.config.HF_HUB_OFFLINE, hub_constants.HF_HUB_OFFLINE)
    datasets.config.HF_HUB_OFFLINE = hub_constants.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        datasets.config.HF_HUB_OFFLINE, hub_constants.HF_HUB_OFFLINE = saved


def _records_to_examples(dataset, fields: FieldMap, where: str) -> list[Example]:
    resolved = resolve_fields(fields, list(dataset.column_names), where)
    return [make_example(record, resolved, i, f"{where}: row {i}", source=where)
            for i, record in enumerate(dataset)]


def _choose_split(dataset, split: str | None, where: str):
    if not hasattr(dataset, "keys"):  # a single Dataset
        return dataset
    splits = list(dataset.keys())
    wanted = split or (DEFAULT_SPLIT if DEFAULT_SPLIT in splits else None)
    if wanted is None and len(splits) == 1:
        wanted = splits[0]
    if wanted not in splits:
        raise InputError(f"{where}: no split {wanted!r}; splits present: {', '.join(splits)}")
    return dataset[wanted]


class HfDatasetReader:
    """``hf:`` hub specs and folders written by ``save_to_disk``."""

    name = "hf"
    suffixes: tuple[str, ...] = ()

    @staticmethod
    def detect_directory(path: Path) -> bool:
        return (path / "dataset_dict.json").exists() or (path / "state.json").exists()

    def read(self, spec: str, fields: FieldMap) -> list[Example]:
        local, _, split = spec.partition(":") if not spec.startswith(PREFIX) else (spec, "", "")
        if not spec.startswith(PREFIX):
            return self._read_local(Path(local), split or None, fields)
        return self._read_hub(parse_hub_spec(spec), spec, fields)

    def _read_local(self, path: Path, split: str | None, fields: FieldMap) -> list[Example]:
        try:
            import datasets
        except ImportError:
            raise InputError("reading a Hugging Face dataset folder needs the 'datasets' "
                             "package: pip install 'sumbench[hf]'") from None
        try:
            loaded = datasets.load_from_disk(str(path))
        except (FileNotFoundError, ValueError) as exc:
            raise InputError(f"{path}: not a dataset folder written by save_to_disk: {exc}") from None
        return _records_to_examples(_choose_split(loaded, split, str(path)), fields, str(path))

    def _read_hub(self, hub: HubSpec, spec: str, fields: FieldMap) -> list[Example]:
        try:
            import datasets
        except ImportError:
            raise InputError("reading a Hugging Face hub dataset needs the 'datasets' "
                             "package: pip install 'sumbench[hf]'") from None
        online = hub_reachable()
        try:
            with _offline_mode(not online):
                loaded = datasets.load_dataset(hub.name, hub.config, split=hub.split)
        except Exception as exc:  # datasets raises many types; report the cause in one line
            if not online:
                raise OfflineError(
                    f"{spec}: cannot reach the Hugging Face hub ({hub_endpoint()}) and the "
                    f"dataset is not in the local cache; run once with network access, or "
                    f"use a local file or a save_to_disk folder") from None
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"{spec}: cannot load dataset: {message}") from None
        return _records_to_examples(loaded, fields, spec)

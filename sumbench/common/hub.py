"""Where a ``hf:`` model comes from, and a fingerprint of exactly which weights those are.

A name that exists on disk is a local checkpoint (a folder written by
``save_pretrained``, or a ``.gguf`` file) and never touches the network.  Anything else
is a hub id, optionally ``name@revision``.  Before using the hub we check within seconds
that it answers (the same probe as ``eval/data/hf.py``, written again here because
``summarize`` must not import ``eval``); when it does not, a model already in the local
hub cache is loaded with ``local_files_only=True`` and anything else fails at once with
:class:`~sumbench.common.errors.OfflineError` instead of hanging in retries.

The fingerprint feeds the generation cache key: for a hub model the commit hash the
revision resolves to; for a local checkpoint a SHA-256 over its files' contents.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from sumbench.common.checkpoint import check_checkpoint, check_safetensors
from sumbench.common.errors import ModelLoadError, OfflineError

__all__ = ["ModelSource", "check_safetensors", "locate_model", "read_json_file",
           "weights_fingerprint", "file_sha256", "checkpoint_files", "check_local_weights"]

PROBE_TIMEOUT_S = 3.0
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)?")
_COMMIT = re.compile(r"[0-9a-f]{40}")
# Files of a checkpoint folder that do not affect generation and can be large.
_SKIP = re.compile(r"(optimizer|scheduler|rng_state|trainer_state|training_args)[^/]*$|\.md$")


@dataclass(frozen=True)
class ModelSource:
    """What ``from_pretrained`` is called with.

    ``location`` is a local folder or a hub id; ``revision`` is the resolved commit for
    hub models (``None`` for local ones); ``local_files_only`` is set when the hub cannot
    be reached and the model comes from the local hub cache.
    """

    spec: str
    location: str
    local: bool
    gguf_file: str | None = None
    revision: str | None = None
    local_files_only: bool = False

    def pretrained_kwargs(self) -> dict:
        """Keyword arguments shared by every ``from_pretrained`` call for this model."""
        kwargs: dict = {}
        if self.gguf_file:
            kwargs["gguf_file"] = self.gguf_file
        if self.revision:
            kwargs["revision"] = self.revision
        if self.local_files_only or self.local:
            kwargs["local_files_only"] = True
        return kwargs


def hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co")


def hub_reachable(timeout: float = PROBE_TIMEOUT_S) -> bool:
    """Whether a TCP connection to the hub opens within ``timeout`` seconds (name lookup
    included: the probe runs in a thread so a hanging DNS cannot stall the run)."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return False
    url = urlparse(hub_endpoint())
    port = url.port or (443 if url.scheme == "https" else 80)
    answered: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((url.hostname or "", port), timeout=timeout):
                answered.append(True)
        except OSError:
            pass

    thread = threading.Thread(target=probe, name="sumbench-hub-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(answered)


def _hub_cache_dir() -> Path:
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def cached_commit(repo_id: str, revision: str | None) -> str | None:
    """The commit ``revision`` (default ``main``) points to in the local hub cache, if any."""
    folder = _hub_cache_dir() / ("models--" + repo_id.replace("/", "--"))
    wanted = revision or "main"
    if _COMMIT.fullmatch(wanted) and (folder / "snapshots" / wanted).is_dir():
        return wanted
    ref = folder / "refs" / wanted
    if ref.is_file():
        commit = ref.read_text(encoding="utf-8").strip()
        if (folder / "snapshots" / commit).is_dir():
            return commit
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _resolve_hub(spec: str, repo_id: str, revision: str | None,
                 gguf_file: str | None) -> ModelSource:
    if not hub_reachable():
        commit = cached_commit(repo_id, revision)
        if commit is None:
            raise OfflineError(
                f"hf:{spec}: cannot reach the Hugging Face hub ({hub_endpoint()}) and the "
                f"model is not in the local cache ({_hub_cache_dir()}); run once with "
                f"network access, or pass the path of a local checkpoint")
        return ModelSource(spec, repo_id, False, gguf_file, commit, local_files_only=True)
    from huggingface_hub import HfApi
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    try:
        info = HfApi().model_info(repo_id, revision=revision, timeout=30)
    except RepositoryNotFoundError:
        raise ModelLoadError(f"hf:{spec}: no such model on the hub (or it is private or "
                             f"gated: log in with 'hf auth login')") from None
    except RevisionNotFoundError:
        raise ModelLoadError(f"hf:{spec}: the hub model has no revision {revision!r}") from None
    except Exception as exc:  # network and HTTP errors of many types: one clear line
        commit = cached_commit(repo_id, revision)
        if commit is None:
            raise ModelLoadError(f"hf:{spec}: cannot query the hub: {_first_line(exc)}") from None
        return ModelSource(spec, repo_id, False, gguf_file, commit, local_files_only=True)
    return ModelSource(spec, repo_id, False, gguf_file, info.sha or revision)


def locate_model(spec: str, gguf_file: str | None = None, revision: str | None = None,
                 allow_pickle: bool = False,
                 pickle_flag: str = "--allow-pickle") -> ModelSource:
    """Turn the part of ``hf:<spec>`` after the prefix into a :class:`ModelSource`.

    A ``.gguf`` file path is split into its folder and file name.  A local checkpoint
    passes :func:`~sumbench.common.checkpoint.check_checkpoint` (non-regular files,
    links out of the folder, ``config.json``, safetensors headers, pickle-only weights
    unless ``allow_pickle``) before anything reads it.  Raises :class:`ModelLoadError`
    for a missing or refused local path and :class:`OfflineError` for a hub model
    that cannot be had offline.
    """
    path = Path(spec).expanduser()
    if path.exists():
        if path.is_file():
            if path.suffix.lower() != ".gguf" or gguf_file:
                raise ModelLoadError(f"hf:{spec}: a file can only be a .gguf checkpoint; "
                                     "otherwise give the model folder")
            folder = path.resolve().parent
            check_checkpoint(folder, path.resolve().name)
            return ModelSource(spec, str(folder), True, path.resolve().name)
        if not path.is_dir():
            raise ModelLoadError(f"hf:{spec}: neither a regular file nor a folder")
        if (path / (gguf_file or "config.json")).exists():
            check_checkpoint(path.resolve(), gguf_file, allow_pickle, pickle_flag)
        if gguf_file and not (path / gguf_file).is_file():
            raise ModelLoadError(f"hf:{spec}: no GGUF file {gguf_file!r} in that folder")
        if not gguf_file and not (path / "config.json").is_file():
            raise ModelLoadError(f"hf:{spec}: no config.json in that folder (not a "
                                 "checkpoint written by save_pretrained; for GGUF pass --gguf-file)")
        return ModelSource(spec, str(path.resolve()), True, gguf_file)
    name, _, at_revision = spec.partition("@")
    if spec.startswith((".", "/", "~")) or not _HUB_ID.fullmatch(name):
        raise ModelLoadError(f"hf:{spec}: no such file or folder (and not a hub model id)")
    if at_revision and revision and at_revision != revision:
        raise ModelLoadError(f"hf:{spec}: two revisions given ({at_revision!r} and --revision "
                             f"{revision!r})")
    return _resolve_hub(spec, name, at_revision or revision, gguf_file)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's contents (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checkpoint_files(source: ModelSource) -> list[Path]:
    """The files of a local checkpoint that determine its outputs, sorted by name."""
    folder = Path(source.location)
    if source.gguf_file:
        return [folder / source.gguf_file]
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix != ".gguf"
                  and not _SKIP.search(p.name))


def weights_fingerprint(source: ModelSource,
                        digest: Callable[[Path], str] = file_sha256) -> str:
    """``hub:<id>@<commit>`` or ``sha256:<hash of the checkpoint files' names and hashes>``."""
    if not source.local:
        return f"hub:{source.location}@{source.revision}"
    listing = [[p.name, digest(p)] for p in checkpoint_files(source)]
    return "sha256:" + hashlib.sha256(json.dumps(listing).encode()).hexdigest()


def read_json_file(source: ModelSource, filename: str) -> dict | None:
    """A small JSON file of the checkpoint (``generation_config.json``...) without loading
    the model: from the folder, or from the hub cache / hub for hub models.  ``None`` when
    the checkpoint has no such file; :class:`ModelLoadError` when it cannot be read or is
    not a JSON object (the caller must not take a failed read for an absent file)."""
    if source.gguf_file:
        return None
    where = f"hf:{source.spec}: {filename}"
    if source.local:
        path = Path(source.location) / filename
        if not path.exists():
            return None
    else:
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import EntryNotFoundError, LocalEntryNotFoundError

        try:
            path = Path(hf_hub_download(source.location, filename, revision=source.revision,
                                        local_files_only=source.local_files_only))
        except LocalEntryNotFoundError as exc:  # offline and not in the cache: unknown
            raise ModelLoadError(f"{where}: not in the local hub cache: {_first_line(exc)}") from None
        except EntryNotFoundError:  # the repository has no such file
            return None
        except Exception as exc:  # network and HTTP errors of many types: one clear line
            raise ModelLoadError(f"{where}: cannot fetch: {_first_line(exc)}") from None
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ModelLoadError(f"{where}: cannot read: {_first_line(exc)}") from None
    if not isinstance(loaded, dict):
        raise ModelLoadError(f"{where}: not a JSON object")
    return loaded


def check_local_weights(source: ModelSource) -> None:
    """Check every ``.safetensors`` file of a local checkpoint (see
    :func:`check_safetensors`) before ``transformers`` reads them."""
    if not source.local or source.gguf_file:
        return
    for path in sorted(Path(source.location).glob("*.safetensors")):
        check_safetensors(path)

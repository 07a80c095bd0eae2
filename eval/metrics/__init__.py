"""The metrics registry: metric classes found by name, imported only when used.

:data:`METRICS` maps a name to a ``"module:Class"`` string (the pattern of
lm-evaluation-harness' model registry), so listing metrics imports nothing heavy.  A
metric that lives in another package registers itself with an entry point in the group
``sumbench.metrics`` (``name = "package.module:Class"``); a built-in name wins a clash.
The lookup, the lazy loading and the errors are :class:`sumbench.common.registry.Registry`'s.
Adding a built-in metric is one :class:`~sumbench.eval.metrics.base.Metric` subclass
plus one line here.

:func:`build_metrics` turns the names and option values given on the command line (or
through the API) into metric instances, and refuses an option that belongs only to
metrics not in use.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from sumbench.common.registry import Registry
from sumbench.common.errors import UsageError

METRICS: dict[str, str] = {
    "rouge": "sumbench.eval.metrics.rouge.metric:RougeMetric",
    "rouge155": "sumbench.eval.metrics.rouge155.metric:Rouge155Metric",
    "bertscore": "sumbench.eval.metrics.bertscore.metric:BertScoreMetric",
    "faithfulness-nli": "sumbench.eval.metrics.faithfulness.metric:FaithfulnessNliMetric",
    "judge": "sumbench.eval.metrics.judge.metric:JudgeMetric",
}
ENTRY_POINT_GROUP = "sumbench.metrics"
DEFAULT_METRICS = ("rouge",)


# one Registry (sumbench/common/registry.py): lazy targets, entry points, the name check
METRIC_REGISTRY: Registry[type] = Registry("metric", METRICS, group=ENTRY_POINT_GROUP,
                                           error=UsageError, load_error=UsageError,
                                           check_name=True)


def registry() -> dict[str, str]:
    """Every metric name -> ``"module:Class"``: the built-ins, then entry points."""
    return METRIC_REGISTRY.entries()  # type: ignore[return-value]


def available_metrics() -> list[str]:
    return METRIC_REGISTRY.names()


def metric_class(name: str) -> type:
    """The class registered as ``name`` (a usage error for an unknown name)."""
    return METRIC_REGISTRY.get(name)


def option_owners() -> dict[str, tuple[str, ...]]:
    """Option name -> the metrics that declare it (an option may be shared)."""
    owners: dict[str, list[str]] = {}
    for name in registry():
        for option in metric_class(name).options:
            owners.setdefault(option.name, []).append(name)
    return {k: tuple(v) for k, v in owners.items()}


def all_options() -> list:
    """Every metric option once (shared ones must be declared identically)."""
    seen: dict[str, Any] = {}
    for name in registry():
        for option in metric_class(name).options:
            if option.name in seen and seen[option.name] != option:
                raise RuntimeError(f"metric option {option.name!r} is declared differently "
                                   f"by two metrics")
            seen.setdefault(option.name, option)
    return list(seen.values())


def parse_metric_names(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"rouge,rouge155"`` (or a list) -> names, defaulting to :data:`DEFAULT_METRICS`."""
    if text is None:
        return DEFAULT_METRICS
    items = text.split(",") if isinstance(text, str) else list(text)
    names = tuple(dict.fromkeys(n.strip() for n in items if n.strip()))
    if not names:
        raise UsageError("--metrics: name at least one metric (see 'sumbench list')")
    for name in names:
        metric_class(name)
    return names


def _current_names(options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` with an old option name (``Option.deprecated``) replaced by the
    current one, with a :class:`DeprecationWarning`; both given is a usage error."""
    import warnings

    renamed = {old: option for option in all_options() for old in option.deprecated}
    out = dict(options)
    for key in list(out):
        option = renamed.get(key)
        if option is None:
            continue
        if option.name in out:
            raise UsageError(f"{key!r} is the old name of the metric option {option.name!r}; "
                             f"give only {option.name!r}")
        warnings.warn(f"the metric option {key!r} is deprecated; use {option.name!r}",
                      DeprecationWarning, stacklevel=3)
        out[option.name] = out.pop(key)
    return out


def build_metrics(names: Sequence[str], options: Mapping[str, Any],
                  bootstrap: Mapping[str, Any] | None = None) -> tuple:
    """The metrics ``names``, each built from its own options in ``options`` (keyed by
    option name; absent = default) and the bootstrap settings in ``bootstrap``
    (``samples``, ``seed``, ``confidence``; absent = default).

    Raises :class:`UsageError` for an option that no metric in use declares, naming the
    option and the metrics it belongs to, and for bootstrap settings when no metric in
    use aggregates by the bootstrap.
    """
    from .base import BootstrapSettings

    classes = {name: metric_class(name) for name in names}
    owners = option_owners()
    options = _current_names(options)
    in_use = ",".join(names)
    for key in options:
        if key not in owners:
            raise UsageError(f"unknown metric option {key!r}")
        if not set(owners[key]) & set(classes):
            flag = "--" + key.replace("_", "-")
            belongs = " and ".join(owners[key])
            raise UsageError(f"{flag} is an option of the metric{'s' if len(owners[key]) > 1 else ''} "
                             f"{belongs}, which {'are' if len(owners[key]) > 1 else 'is'} not in "
                             f"use (--metrics {in_use})")
    bootstrap = dict(bootstrap or {})
    if bootstrap and not any(cls.uses_bootstrap for cls in classes.values()):
        flags = ", ".join({"samples": "--bootstrap-samples", "seed": "--seed",
                           "confidence": "--confidence"}[k] for k in bootstrap)
        raise UsageError(f"{flags}: no metric in use has bootstrap intervals (--metrics "
                         f"{in_use}); rouge155 resamples as the Perl script does "
                         "(--rouge155-flags '-c 95 -r 1000')")
    try:
        settings = BootstrapSettings(**bootstrap)
        return tuple(cls.from_options({o.name: options[o.name] for o in cls.options
                                       if o.name in options}, settings)
                     for cls in classes.values())
    except ValueError as exc:
        raise UsageError(str(exc)) from None

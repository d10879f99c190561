"""Assemble a :class:`~tradegap.brief.model.PairBrief` from its sections (:func:`pair_brief`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from typing import Any

from tradegap import countries, world
from tradegap.brief.components import _adapt_short_name, _Context
from tradegap.brief.model import DEFAULT_SECTIONS, SECTIONS, BriefSection, PairBrief, Progress
from tradegap.brief.sections import _BUILDERS, _build
from tradegap.brief.summary import _summary
from tradegap.coverage import DATASETS
from tradegap.errors import InputError, TradegapError
from tradegap.validation import check_number, check_option, check_pair


def _validate_country(code: str, what: str) -> tuple[str, str]:
    if not isinstance(code, str) or not code.strip():
        raise InputError(f"The '{what}' parameter of pair_brief must be a country name or ISO3 code. Got {code!r} instead.")
    iso = countries.to_iso3(code)
    try:
        name = countries.country_name(iso)
    except TradegapError:
        name = iso
    return iso, _adapt_short_name(iso, name)


def pair_brief(
    a: str,
    b: str,
    *,
    year: int = 2019,
    store: Any = None,
    sections: Sequence[str] | None = None,
    claims: Iterable[Any] | None = None,
    extra_sections: Sequence[BriefSection] = (),
    progress: Progress | None = None,
) -> PairBrief:
    """Assemble the brief for countries ``a`` and ``b``.

    Parameters
    ----------
    a, b : str
        Country names or ISO3 codes (e.g. ``"IRN"``, ``"Russia"``).
    year : int, default 2019
        Reference year of the snapshot figures (history and politics cover all years).
    store : tradegap.store.Store, optional
        Data store; ``None`` uses the default store, or the embedded data.
    sections : sequence of str, optional
        Which sections to build (see :data:`SECTIONS`); default all except ``claims``.
        ``"summary"`` and ``"method"`` are always included.
    claims : iterable, optional
        An article's claim checks (objects with ``to_dict()`` or dicts); adds the
        ``claims`` section.
    extra_sections : sequence of BriefSection
        Sections built elsewhere (e.g. an article's claims), placed right after the summary.
    progress : callable, optional
        Called as ``progress(section_title, i, n)`` before each section is computed.

    Returns
    -------
    PairBrief
        Trade values in USD millions.

    Raises
    ------
    UnknownCountryError
        When a country cannot be recognised.
    InputError
        For a bad year, the same country twice or an unknown section name.
    """
    check_number("year", year, "pair_brief", integer=True, low=1948, high=2100,
                 hint=f"Trade data covers {DATASETS['dots'].span} for history and {DATASETS['baci'].span} for potentials.")
    year = int(year)
    a_iso, a_name = _validate_country(a, "a")
    b_iso, b_name = _validate_country(b, "b")
    check_pair(a_iso, b_iso, "pair_brief", given=(a, b), hint="Name two countries, e.g. `tradegap brief IRN RUS`.")
    claims_list = list(claims) if claims is not None else None
    if sections is None:
        wanted = list(DEFAULT_SECTIONS) + (["claims"] if claims_list is not None else [])
    else:
        wanted = list(sections)
        for s in wanted:
            check_option("sections", s, SECTIONS, "pair_brief", hint=f"Choose sections among {list(SECTIONS)}.")
        if claims_list is not None and "claims" not in wanted:
            wanted.append("claims")
    for extra in extra_sections:
        if not isinstance(extra, BriefSection):
            raise InputError(
                f"The 'extra_sections' parameter of pair_brief must hold BriefSection objects. Got {type(extra).__name__}."
            )
    with world_model_held(store, year):
        return _assemble(a_iso, b_iso, (a_name, b_name), year, store, wanted, claims_list, extra_sections, progress)


def world_model_held(store: Any, year: int) -> contextlib.AbstractContextManager[Any]:
    """For a year the world model covers: the model ensured, its stored FTA and sanction effects in the
    result cache, and one read-only connection held for the answer's many reads (a brief makes about
    twenty); otherwise nothing."""
    lo, hi = DATASETS["baci"].usable
    if not lo <= year <= hi:
        return contextlib.nullcontext()
    # the sector benchmarks are read for the pair alone (world.pair_sector_fits), not seeded here
    return world.hold(world.prime(store, year, sectors=False).path)


def _assemble(a_iso: str, b_iso: str, names: tuple[str, str], year: int, store: Any, wanted: list[str],
              claims_list: list[Any] | None, extra_sections: Sequence[BriefSection],
              progress: Progress | None) -> PairBrief:
    a_name, b_name = names
    ctx = _Context(a_iso, b_iso, year, store, (a_name, b_name), claims_list)
    ctx.uses_potential = bool({"potential", "gap"} & set(wanted))
    ctx.has_article = claims_list is not None or any(s.key in ("article", "claims") for s in extra_sections)
    order = [k for k in SECTIONS if k in wanted and k not in ("summary", "method")]
    built: dict[str, BriefSection] = {}
    n = len(order) + 2
    for i, key in enumerate(order):
        if progress is not None:
            progress(_BUILDERS[key][0], i, n)
        built[key] = _build(key, ctx)
    if progress is not None:
        progress("Summary", n - 2, n)
    summary, headline = _summary(ctx, built)
    method = _build("method", ctx)
    if progress is not None:
        progress("Done", n, n)
    # sections brought by the caller (e.g. an article's claims) come first: they are why the brief was asked for
    ordered = [summary, *extra_sections, *built.values(), method]
    keys = [s.key for s in ordered]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise InputError(f"Brief sections must have unique keys; duplicated: {dupes}.")
    return PairBrief(
        a=a_iso,
        b=b_iso,
        names=(a_name, b_name),
        year=year,
        sections=tuple(ordered),
        headline=summary.text,
        metrics=dict(ctx.metrics),
    )

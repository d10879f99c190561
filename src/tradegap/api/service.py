"""The service layer between the HTTP routes and the library.

Every answer the API gives goes through :class:`Service`: it resolves country names to
ISO3 codes (so ``Iran`` and ``IRN`` share one cache entry), calls the library function,
turns the result object into its response model (:mod:`tradegap.api.models`) and keeps
the serialised JSON in one :class:`~tradegap.api.cache.SingleFlightCache`, keyed by the
data fingerprint and the normalised arguments.  Routes never call the library directly,
so moving to faster library functions (a persisted world model) changes this module only.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tradegap.api import models as M
from tradegap.api.cache import Flight, ProgressFn, SingleFlightCache
from tradegap.errors import InputError, TradegapError

__all__ = ["Pending", "Service"]

#: Longest article text the API reads (characters after decoding).
MAX_ARTICLE_CHARS = 400_000
#: Scenario keys that would read server files: refused by the API.
_SERVER_FILE_KEYS = ("file",)


@dataclass(frozen=True)
class Pending:
    """A computation still running (answered as HTTP 202 to ``wait=false`` requests)."""

    flight: Flight[bytes]

    def body(self) -> M.PendingOut:
        """The progress report."""
        f = self.flight
        return M.PendingOut(
            status="running", step=f.step, done=f.done, total=f.total, elapsed_s=round(f.elapsed, 1), retry_after_s=1
        )


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(t.casefold().replace("-", " ").split())


@lru_cache(maxsize=1)
def _country_table() -> tuple[tuple[str, str, int | None, bool, tuple[str, ...]], ...]:
    """(iso3, name, iso numeric, has trade data, folded search names) for every country tradegap knows."""
    import pycountry

    from tradegap.countries import country_name, gazetteer
    from tradegap.data import embedded

    g = gazetteer()
    g = g[g["kind"].isin(["name", "short_name"])]
    names: dict[str, set[str]] = {}
    for surface, iso in zip(g["surface"], g["iso3"], strict=True):
        names.setdefault(str(iso), set()).add(_fold(str(surface)))
    flows = embedded.load("flows_baci")
    in_data = set(flows["exporter"].astype(str)) | set(flows["importer"].astype(str))
    rows = []
    for iso, folded in names.items():
        try:
            name = country_name(iso)
        except TradegapError:
            continue
        rec = pycountry.countries.get(alpha_3=iso)
        numeric = int(rec.numeric) if rec is not None else None
        rows.append((iso, name, numeric, iso in in_data, tuple(sorted(folded | {_fold(name)}))))
    rows.sort(key=lambda r: r[1])
    return tuple(rows)


def _prime(store: Any, year: int | None, progress: ProgressFn) -> None:
    """Build or open the persisted world model for ``year`` first, reporting progress (the brief,
    potential and sectors then read it instead of fitting)."""
    from tradegap import world
    from tradegap.coverage import DATASETS

    lo, hi = DATASETS["baci"].usable
    if year is None or lo <= year <= hi:
        world.prime(store, year, progress=lambda step, done, total: progress(f"world model: {step}", done, total))


def countries_ready() -> bool:
    """True once the country search table is built (searches are then microseconds)."""
    return _country_table.cache_info().currsize > 0


def warm() -> None:
    """Build the lookup tables the first requests need (country names and search), off the event loop."""
    from tradegap.countries import to_iso3

    to_iso3("IRN")
    _country_table()


class Service:
    """What the API answers, cached and computed once per key.

    Parameters
    ----------
    db : path, optional
        The DuckDB store (``tradegap serve --db``); default: the library's default store
        (``$TRADEGAP_DB`` or the user data dir), falling back to the embedded data.
    cache_size : int
        Serialised answers kept in memory.
    workers : int
        Threads computing answers (CPU-bound work).
    """

    def __init__(self, db: str | Path | None = None, *, cache_size: int = 512, workers: int = 2) -> None:
        self.db = None if db is None else Path(db)
        self.cache: SingleFlightCache[bytes] = SingleFlightCache(maxsize=cache_size, workers=workers)
        self._fp_lock = threading.Lock()
        self._fp: tuple[tuple[str, int, int], str] | None = None

    # ------------------------------------------------------------------ data binding
    def _db_path(self) -> Path:
        if self.db is not None:
            return self.db
        from tradegap.store import default_path

        return Path(default_path())

    def fingerprint(self) -> str:
        """The data's fingerprint (:func:`tradegap.cache.store_fingerprint`), re-read when the store file changes.

        A ``stat`` per request; the store itself is opened only when its size or mtime moved.
        """
        from tradegap.cache import store_fingerprint

        p = self._db_path()
        try:
            st = p.stat()
        except OSError:
            return store_fingerprint(None)
        key = (str(p), st.st_size, st.st_mtime_ns)
        with self._fp_lock:
            if self._fp is not None and self._fp[0] == key:
                return self._fp[1]
        from tradegap.store import Store

        with Store(p, read_only=True) as store:
            fp = store_fingerprint(store)
        with self._fp_lock:
            self._fp = (key, fp)
        return fp

    @contextmanager
    def store(self) -> Iterator[Any]:
        """The store for one computation (None: the library's default store).

        Not read-only: the first question may build the persisted world model into it.
        """
        if self.db is None:
            yield None
            return
        from tradegap.store import Store

        st = Store(self.db)
        try:
            yield st
        finally:
            st.close()

    # ------------------------------------------------------------------ the one path for answers
    def answer(
        self, kind: str, args: tuple[Hashable, ...], compute: Callable[[Any, ProgressFn], bytes], *, wait: bool = True
    ) -> bytes | Pending:
        """The JSON answer for ``(kind, args)``: cached, computed once, or (``wait=False``) pending."""
        key = (self.fingerprint(), kind, args)
        hit = self.cache.peek(key)
        if hit is not None:
            return hit

        def run(progress: ProgressFn) -> bytes:
            with self.store() as st:
                return compute(st, progress)

        flight = self.cache.flight(key, run, reuse_failed=not wait)  # a poller is told of a failure
        if not wait and not flight.future.done():
            return Pending(flight)
        return flight.future.result()

    # ------------------------------------------------------------------ inputs
    @staticmethod
    def iso3(code: str) -> str:
        """ISO3 code of a country name or code (raises UnknownCountryError)."""
        from tradegap.countries import to_iso3

        if not code.strip():
            raise InputError("A country is empty.", hint="Give a name or ISO3 code, e.g. Iran or IRN.")
        return to_iso3(code)

    def pair(self, a: str, b: str) -> tuple[str, str]:
        """Two different countries as ISO3 codes."""
        from tradegap.validation import check_pair

        return check_pair(self.iso3(a), self.iso3(b), "a pair", given=(a, b),
                          hint="Pick two different countries, e.g. IRN and RUS.")

    @staticmethod
    def years(text: str | None, dataset: str) -> tuple[int, ...] | None:
        """``"2019"``, ``"2010-2019"`` or ``"2015,2019"`` → sorted years within ``dataset``'s coverage."""
        from tradegap.coverage import parse_years

        if text is None or not text.strip():
            return None
        return parse_years(text, dataset=dataset)

    # ------------------------------------------------------------------ answers
    def countries(self, q: str, limit: int) -> bytes:
        """Countries whose name, alias or code matches ``q`` (all when empty), best matches first (no I/O)."""
        table = _country_table()
        f = _fold(q)
        if not f:
            hits = [(0, r) for r in table]
        else:
            hits = []
            for r in table:
                iso, _name, _num, _has, names = r
                if f == iso.casefold():
                    score = 0
                elif any(n == f for n in names):
                    score = 1
                elif any(n.startswith(f) for n in names):
                    score = 2
                elif iso.casefold().startswith(f):
                    score = 3
                elif any(f in n for n in names):
                    score = 4
                else:
                    continue
                hits.append((score, r))
            hits.sort(key=lambda t: (t[0], not t[1][3], t[1][1]))
        items = [
            M.CountryOut(iso3=r[0], name=r[1], numeric=r[2], has_data=r[3]) for _s, r in hits[:limit]
        ]
        return M.CountryList(query=q, count=len(items), countries=items).model_dump_json().encode()

    def trade(self, a: str, b: str, source: str, years: str | None, *, wait: bool = True) -> bytes | Pending:
        """Yearly flows both ways (USD millions)."""
        x, y = self.pair(a, b)
        ys = self.years(years, source)

        def compute(st: Any, _p: ProgressFn) -> bytes:
            from tradegap.measure import trade

            res = trade(x, y, source=source, years=list(ys) if ys else None, store=st)
            return M.dump(M.PairTradeOut, res.to_dict())

        return self.answer("trade", (x, y, source, ys), compute, wait=wait)

    def peers(self, country: str, partner: str, year: int, n: int, *, wait: bool = True) -> bytes | Pending:
        """Partner rank and comparable partners."""
        x, y = self.pair(country, partner)

        def compute(st: Any, _p: ProgressFn) -> bytes:
            from tradegap.measure import peers

            return M.dump(M.PeersOut, peers(x, y, year=year, n=n, store=st).to_dict())

        return self.answer("peers", (x, y, year, n), compute, wait=wait)

    def potential(self, a: str, b: str, year: int, *, wait: bool = True) -> bytes | Pending:
        """Structural and size-based potential with bands."""
        x, y = self.pair(a, b)

        def compute(st: Any, progress: ProgressFn) -> bytes:
            from tradegap.brief import pair_potential

            _prime(st, year, progress)
            progress("structural and size-based potential", 0, 1)
            return M.dump(M.PairPotentialOut, pair_potential(x, y, year=year, store=st).to_dict())

        return self.answer("potential", (x, y, year), compute, wait=wait)

    def brief(self, a: str, b: str, year: int, *, wait: bool = True) -> bytes | Pending:
        """The whole pair brief."""
        x, y = self.pair(a, b)

        def compute(st: Any, progress: ProgressFn) -> bytes:
            from tradegap.brief import pair_brief

            _prime(st, year, progress)
            res = pair_brief(x, y, year=year, store=st, progress=progress)
            return M.dump(M.PairBriefOut, res.to_dict())

        return self.answer("brief", (x, y, year), compute, wait=wait)

    def brief_html(self, a: str, b: str, year: int, *, wait: bool = True) -> bytes | Pending:
        """The self-contained HTML brief (from the cached brief object's computation)."""
        x, y = self.pair(a, b)

        def compute(st: Any, progress: ProgressFn) -> bytes:
            from tradegap.brief import pair_brief
            from tradegap.report.html import render_html

            _prime(st, year, progress)
            return render_html(pair_brief(x, y, year=year, store=st, progress=progress)).encode("utf-8")

        return self.answer("brief_html", (x, y, year), compute, wait=wait)

    def sectors(self, a: str, b: str, year: int | None, *, wait: bool = True) -> bytes | Pending:
        """Trade by sector against a gravity benchmark."""
        x, y = self.pair(a, b)

        def compute(st: Any, progress: ProgressFn) -> bytes:
            from tradegap.sectors import pair_sectors

            _prime(st, year, progress)
            progress("sector gravity fits", 0, 1)
            return M.dump(M.PairSectorsOut, pair_sectors(x, y, year=year, store=st).to_dict())

        return self.answer("sectors", (x, y, year), compute, wait=wait)

    def sanctions(self, a: str, b: str | None, scope: str = "pair", *, wait: bool = True) -> bytes | Pending:
        """GSDB sanction cases involving ``a`` (and ``b``; ``scope="targets"`` adds third-party cases)."""
        x = self.iso3(a)
        y = None if b is None else self.iso3(b)
        if y is not None:
            from tradegap.validation import check_pair

            check_pair(x, y, "a pair", given=(a, b), hint="Pick another partner, or leave it out.")

        def compute(_st: Any, _p: ProgressFn) -> bytes:
            from tradegap import sanctions

            frame = sanctions.cases(x, y, scope=scope)  # type: ignore[arg-type]
            return M.dump(M.SanctionsOut, M.sanctions_dict(x, y, scope, frame))

        return self.answer("sanctions", (x, y, scope), compute, wait=wait)

    def politics(self, a: str, b: str, years: str | None, *, wait: bool = True) -> bytes | Pending:
        """UN General Assembly agreement per year."""
        x, y = self.pair(a, b)
        ys = self.years(years, "unga")

        def compute(_st: Any, _p: ProgressFn) -> bytes:
            from tradegap import politics

            return M.dump(M.AlignmentOut, politics.alignment(x, y, years=list(ys) if ys else None).to_dict())

        return self.answer("politics", (x, y, ys), compute, wait=wait)

    def untapped(self, country: str, year: int, top: int, *, wait: bool = True) -> bytes | Pending:
        """A country's partners by untapped structural potential."""
        c = self.iso3(country)

        def compute(st: Any, progress: ProgressFn) -> bytes:
            from tradegap import world

            progress("reading the world model", 0, 1)
            return M.dump(M.UntappedOut, world.untapped(c, year=year, top=top, store=st, progress=progress).to_dict())

        return self.answer("untapped", (c, year, top), compute, wait=wait)

    def world_untapped(self, year: int, top: int, *, wait: bool = True) -> bytes | Pending:
        """The directed pairs with the largest untapped value in the world."""

        def compute(st: Any, progress: ProgressFn) -> bytes:
            from tradegap import world

            progress("reading the world model", 0, 1)
            res = world.world_untapped(year=year, top=top, store=st, progress=progress)
            return M.dump(M.WorldUntappedOut, res.to_dict())

        return self.answer("world_untapped", (year, top), compute, wait=wait)

    def scenario(self, spec: dict[str, Any], *, wait: bool = True) -> bytes | Pending:
        """A GE scenario (the TOML schema as JSON) on the shipped or stored BACI data."""
        import json

        from tradegap.ge.scenario import parse_scenario

        data = spec.get("data")
        if not isinstance(data, dict) or data.get("source") != "baci" or any(k in data for k in _SERVER_FILE_KEYS):
            raise InputError(
                "The API runs scenarios on tradegap's BACI data only: the scenario needs "
                '"data": {"source": "baci"} and no data file.',
                hint="Use `tradegap scenario run FILE.toml` for scenarios on your own data files.",
            )
        if "year" not in spec:
            from tradegap.coverage import DATASETS

            raise InputError(f"The scenario needs a 'year' (the baseline year, {DATASETS['baci'].usable_span}).",
                             hint='Add "year": 2019.')
        parse_scenario(spec)  # validate before queuing work
        canon = json.dumps(spec, sort_keys=True, separators=(",", ":"))

        def compute(_st: Any, progress: ProgressFn) -> bytes:
            from tradegap.views.scenarios import run_scenario

            progress("solving the general equilibrium", 0, 1)
            res = run_scenario(spec, progress=lambda d, t: progress("Monte Carlo", d, t))
            return M.dump(M.ScenarioOut, res.to_dict())

        return self.answer("scenario", (canon,), compute, wait=wait)

    def read(self, text: str | bytes, year: int | None, origin: str, *, wait: bool = True) -> bytes | Pending:
        """An article (text, or the bytes of an uploaded file in any encoding): its countries, pairs,
        claims and checks, with the text the spans refer to."""
        if len(text) > MAX_ARTICLE_CHARS:
            raise InputError(
                f"The article has {len(text):,} characters; the API reads at most {MAX_ARTICLE_CHARS:,}.",
                hint="Paste the article's text only, or split it.",
            )
        if not text.strip():
            raise InputError("The article is empty.", hint="Paste the article's text or upload an .html/.txt file.")

        def compute(st: Any, progress: ProgressFn) -> bytes:
            from tradegap.article import read_article

            progress("reading the article and checking its claims", 0, 1)
            res = read_article(text, year=year, store=st, origin=origin)
            d = res.to_dict()
            d["text"] = res.article.text
            d["summary"] = res.summary()
            return M.dump(M.ReadingOut, d)

        import hashlib

        raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        digest = hashlib.sha256(raw).hexdigest()
        return self.answer("read", (digest, year, origin), compute, wait=wait)

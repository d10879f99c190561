"""The pair brief: everything tradegap knows about two countries' trade, in one object.

:func:`pair_brief` assembles what the other modules compute — trade history
(:mod:`tradegap.measure`), peers, the structural and size-based potentials and
the gap decomposition (:mod:`tradegap.potential`), sanctions
(:mod:`tradegap.sanctions`), UN General Assembly alignment
(:mod:`tradegap.politics`), sectors (:mod:`tradegap.sectors`), planning
scenarios (:mod:`tradegap.ge`) and, when given, an article's claim checks —
into a :class:`PairBrief` of :class:`BriefSection` objects.  Each section is
computed on its own: when a component raises a
:class:`~tradegap.errors.TradegapError` (no data for that year, a country not
covered, ...) the section carries the message instead and the rest of the brief
is still built.  Programming errors are not swallowed.

The brief holds data, not pictures: each section may carry a :class:`Chart`
(a kind and a tidy frame); :mod:`tradegap.report.html` draws them.

All trade values in the brief are in **USD millions** (current prices).
"""

from tradegap.brief.assemble import pair_brief
from tradegap.brief.model import DEFAULT_SECTIONS, SECTIONS, UNIT, BriefSection, Chart, PairBrief
from tradegap.brief.potential_view import PairPotential, pair_potential
from tradegap.brief.prose import ratio_sentence

__all__ = [
    "DEFAULT_SECTIONS",
    "SECTIONS",
    "UNIT",
    "BriefSection",
    "Chart",
    "PairBrief",
    "PairPotential",
    "pair_brief",
    "pair_potential",
    "ratio_sentence",
]

"""Schema-driven fuzzing of the served OpenAPI with schemathesis: no server error, no undocumented status.

Every operation gets a bounded number of generated requests (valid and invalid parameters and
bodies).  The slow computations run on synthetic components (``test_brief.install_fakes``, a
synthetic untapped ranking) so the run stays well under a minute; scenarios and article reading
run for real.
"""

from __future__ import annotations

import warnings

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("multipart")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from tradegap.api.app import create_app  # noqa: E402

_mp = pytest.MonkeyPatch()
APP = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _synthetic_components():
    import pandas as pd

    from test_api import _fake_untapped, install_fast_fakes
    from tradegap import world
    from tradegap.world import WorldUntapped

    install_fast_fakes(_mp)
    _fake_untapped(_mp)
    _mp.setattr(world, "world_untapped", lambda *, year, top, store=None, progress=None: WorldUntapped(
        year=year, table=pd.DataFrame(), n_pairs=0, spec={"mode": "synthetic"}, notes=("synthetic",)))
    yield
    _mp.undo()


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_fuzz(case):
    case.call_and_validate(
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
        timeout=600,  # a first scenario estimates the sanction effect (seconds to a minute on a loaded machine)
    )

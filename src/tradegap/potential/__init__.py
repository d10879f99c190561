"""Trade potential: how much more could two countries trade (two-stage structural and size-based)."""

from __future__ import annotations

from tradegap.potential.core import Specification, Stage1Fit, TwoStageResult, fit_stage1, project, two_stage

__all__ = ["Specification", "Stage1Fit", "TwoStageResult", "fit_stage1", "project", "two_stage"]

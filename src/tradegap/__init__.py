"""tradegap: how much more could two countries trade, why don't they, and what would change it."""

from __future__ import annotations

from tradegap.errors import TradegapError

__all__ = ["TradegapError", "__version__"]
__version__ = "0.1.0"

"""Readers of trade and covariate sources into tradegap's canonical tables."""

"""Business rules as plain functions `verb_noun(db, *, actor, ...)`, in layers: cross-cutting
services that import no feature, the features, and composition on top (README, "How a feature
is laid out"; tests/test_layers.py holds it)."""

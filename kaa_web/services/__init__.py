"""Business rules as plain functions: verb_noun(session, *, actor, ...)."""

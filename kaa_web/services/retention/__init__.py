"""Gallring: anonymising what has passed the retention periods (README, Retention)."""

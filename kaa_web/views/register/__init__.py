"""The register pages under /ungdomar: one blueprint, its views by sub-feature."""

from kaa_web.views.register import editing, extracts, listing, person  # noqa: F401 - their routes
from kaa_web.views.register.blueprint import bp

__all__ = ["bp"]

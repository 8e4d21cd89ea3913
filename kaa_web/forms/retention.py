"""The gallring page's one form: start a run now (once, however often it is sent)."""

from kaa_web.forms import OnceForm


class StartRunForm(OnceForm):
    pass

"""Errors services raise; views turn them into 404s, conflict messages or form errors."""


class NotFound(LookupError):
    """The object does not exist or the actor may not see it (both answer 404, in one handler:
    kaa_web.create_app)."""


class EditConflict(Exception):
    """Someone else saved the object since the form was loaded."""

    def __init__(self, current):
        super().__init__("edit conflict")
        self.current = current


class Invalid(Exception):
    """Input that breaks a rule only the service can check; messages are Swedish."""

    def __init__(self, *messages: str, field_errors: dict[str, str] | None = None):
        super().__init__("; ".join(messages))
        self.messages = list(messages)
        self.field_errors = field_errors or {}

"""The SCB half-year file: mappings held as data, the check before export, the export, its diff
and the reminders ahead of each deadline."""

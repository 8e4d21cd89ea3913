"""Statistics over registration periods: definitions, figures, the page, exports and reports."""

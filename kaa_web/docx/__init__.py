"""The Word engine, without Flask: render docxtpl templates from plain data in a sandbox under
hard limits (`render`, `limits`), check uploaded templates (`package`, `checks`), the catalogue
of document types (`types`) and PDF conversion (`pdf`)."""

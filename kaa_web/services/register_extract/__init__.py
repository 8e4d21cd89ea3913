"""The register extract (registerutdrag, GDPR art. 15): `sections` reads what the system holds
about one young person, `document` makes, stores and logs the extract."""

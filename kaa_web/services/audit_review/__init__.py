"""The log review (behörighetsuppföljning): `flags` finds what calls for a second look,
`review` serves the page, records reviews and exports a review period, `access_log` is the
read log of one person for the data-protection officer."""

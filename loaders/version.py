"""The dataset and tool version and its release date: the one place they are written.

pyproject reads VERSION from here; RELEASE_DATE (ISO 8601) goes into CITATION.cff, the
Croissant metadata and the card instead of the build time, so builds stay byte-identical.
"""

VERSION = "0.1.0"
RELEASE_DATE = "2026-11-22"
DOI: str | None = None  # this version's DOI once Zenodo has minted one (never invented); None until then

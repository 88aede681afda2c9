"""`kdc report`: a static, self-contained explorer of a built release (no server, no network)."""

from korea_deterrence.loaders.report.site import write_report

__all__ = ["write_report"]

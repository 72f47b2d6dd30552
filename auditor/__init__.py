"""nas-audit: an executable Lindauer & Hutter (2020) NAS best-practices checklist."""

__version__ = "0.1.0"

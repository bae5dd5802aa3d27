"""auditor: conformance auditor for MPD (DC) official social media accounts (GO-SPT-302.03 II.C.3)."""

__version__ = "0.1.0"

"""auditor: conformance auditor for an agency's official social media accounts, against a declared policy."""

__version__ = "0.1.0"

"""Outputs rendered from an AuditRun: results.json, report.html (and later JUnit, e-mail, archive)."""

"""results.json: the stable, versioned interface for other tools (schema in auditor/schema/)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from auditor.fsutil import write_atomic
from auditor.models import AuditRun

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "results.schema.json"


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def generated_schema() -> dict:
    """The schema as the models define it; the shipped file must equal this (a test checks)."""
    from auditor.policy import load_policy

    s = AuditRun.model_json_schema()
    # Every account carries every item of the run's policy (listed in "policy.items"); the built-in
    # policy's ids are documented here, and another policy's ids are allowed.
    builtin = load_policy()
    items = s["$defs"]["AccountResult"]["properties"]["items"]
    items.update({"properties": {i: {"$ref": "#/$defs/ItemResult"} for i in builtin.item_ids},
                  "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
                  "additionalProperties": {"$ref": "#/$defs/ItemResult"},
                  "description": f"item id -> result, for every item of the run's policy (built-in {builtin.id}: "
                                 + ", ".join(builtin.item_ids) + ")"})
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["$id"] = "https://github.com/mpdc/auditor/schema/results.schema.json"
    s["description"] = ("Results of one auditor run: every registered account, its status and, for each item of "
                        "the run's policy (described in 'policy'), status, reason and evidence, with the "
                        "suggested fix.")
    return s


def validate(data: dict) -> None:
    jsonschema.Draft202012Validator(schema()).validate(data)


def write(run: AuditRun, out_dir: Path) -> Path:
    path = out_dir / "results.json"
    write_atomic(path, run.model_dump_json(indent=2) + "\n")
    return path


def read(path: Path) -> AuditRun:
    return AuditRun.model_validate_json(path.read_text(encoding="utf-8"))

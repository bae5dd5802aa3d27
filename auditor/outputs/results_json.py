"""results.json: the stable, versioned interface for other tools (schema in auditor/schema/)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from auditor.fsutil import write_atomic
from auditor.models import ITEM_IDS, AuditRun

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "results.schema.json"


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def generated_schema() -> dict:
    """The schema as the models define it; the shipped file must equal this (a test checks)."""
    s = AuditRun.model_json_schema()
    # Every account carries all six items, by their fixed ids.
    items = s["$defs"]["AccountResult"]["properties"]["items"]
    items.update({"properties": {i: {"$ref": "#/$defs/ItemResult"} for i in ITEM_IDS},
                  "required": list(ITEM_IDS), "additionalProperties": False})
    items.pop("additionalProperties", None)
    items["additionalProperties"] = False
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    s["$id"] = "https://github.com/mpdc/auditor/schema/results.schema.json"
    s["description"] = ("Results of one auditor run: every registered account, its status and, for each of "
                        "the six GO-SPT-302.03 II.C.3 items, status, reason and evidence.")
    return s


def validate(data: dict) -> None:
    jsonschema.Draft202012Validator(schema()).validate(data)


def write(run: AuditRun, out_dir: Path) -> Path:
    path = out_dir / "results.json"
    write_atomic(path, run.model_dump_json(indent=2) + "\n")
    return path


def read(path: Path) -> AuditRun:
    return AuditRun.model_validate_json(path.read_text(encoding="utf-8"))

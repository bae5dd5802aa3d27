"""results.json: the stable, versioned interface for other tools (schema in auditor/schema/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from pydantic_core import PydanticSerializationError

from auditor.fsutil import read_input_text, write_atomic
from auditor.models import AuditRun
from auditor.safetext import valid_unicode

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


def dump(run: AuditRun) -> str:
    """The results as JSON text. Text that is not valid Unicode (a lone surrogate a page's script
    made) is repaired rather than lost: pydantic cannot encode it, so the run is cleaned and dumped again."""
    try:
        return run.model_dump_json(indent=2) + "\n"
    except PydanticSerializationError:
        clean = _valid(run.model_dump())
        return AuditRun.model_validate(clean).model_dump_json(indent=2) + "\n"


def _valid(value: Any) -> Any:
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, dict):
        return {_valid(k): _valid(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_valid(v) for v in value]
    return value


def write(run: AuditRun, out_dir: Path) -> Path:
    path = out_dir / "results.json"
    write_atomic(path, dump(run))
    return path


def read(path: Path) -> AuditRun:
    """A results.json; a file that cannot be read as one (a folder, a device, unreadable) is an
    InputError, a file that is not valid results a ValueError (pydantic's)."""
    return AuditRun.model_validate_json(read_input_text(path, "results"))

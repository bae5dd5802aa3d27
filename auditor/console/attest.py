"""Record a manual attestation in sites.yaml, keeping its comments, order and layout.

The file is edited with ruamel.yaml's round-trip loader (comments, key order, quoting and the
file's own indentation are kept), the new text is validated with the registry loader before it
replaces the file (atomically), and a bad attestation is refused with the loader's own message
(file and line) while the file stays as it was.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from auditor.errors import InputError
from auditor.registry import load_registry

MAX_TEXT = 300


@dataclass(frozen=True)
class NewAttestation:
    item: str
    by: str
    date: str  # YYYY-MM-DD
    note: str = ""
    expires: str = ""  # YYYY-MM-DD or ""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _date(label: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{label} {value!r} is not a date (YYYY-MM-DD)") from None


def _check_fields(att: NewAttestation, item_ids: tuple[str, ...]) -> None:
    """Plain form mistakes, said simply; the registry loader has the last word on the rest."""
    if att.item not in item_ids:
        raise InputError(f"item {att.item!r} is not one of {', '.join(item_ids)}")
    if not att.by.strip():
        raise InputError("'by' is required: who verified the item")
    for label, value in (("by", att.by), ("note", att.note)):
        if len(value) > MAX_TEXT:
            raise InputError(f"'{label}' is longer than {MAX_TEXT} characters")
        if any(ord(c) < 32 for c in value):
            raise InputError(f"'{label}' must be one line of text")


def _yaml(text: str) -> YAML:
    _, ind, bsi = load_yaml_guess_indent(text)
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    ind, bsi = ind or 2, bsi or 0
    y.indent(mapping=max(2, bsi) if bsi else ind, sequence=ind, offset=bsi)
    return y


def _last_slot(node: object) -> tuple[CommentedMap | CommentedSeq, object] | None:
    """The innermost last key (or index) of ``node``: where ruamel keeps the comment lines that follow it."""
    slot = None
    while isinstance(node, CommentedMap | CommentedSeq) and len(node):
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        slot = (node, key)
        node = node[key]
    return slot


def _take_trailing(slot: tuple[CommentedMap | CommentedSeq, object] | None) -> CommentToken | None:
    """Detach the comment lines after ``slot`` (not its own end-of-line comment) and return them."""
    if slot is None:
        return None
    node, key = slot
    entry = node.ca.items.get(key)
    pos = 2 if isinstance(node, CommentedMap) else 0
    if not entry or len(entry) <= pos or not isinstance(entry[pos], CommentToken):
        return None
    token: CommentToken = entry[pos]
    own, sep, rest = token.value.partition("\n")
    if not sep or not rest:
        return None
    moved = copy.copy(token)
    moved.value = "\n" + rest
    if own.strip():  # an end-of-line comment stays where it is
        token.value = own + "\n"
    else:
        entry[pos] = None
    return moved


def _put_trailing(slot: tuple[CommentedMap | CommentedSeq, object] | None, token: CommentToken | None) -> None:
    if token is None or slot is None:
        return
    node, key = slot
    assert isinstance(node, CommentedMap)
    node.ca.items[key] = [None, None, token, None]


def updated_text(text: str, account_id: str, att: NewAttestation, item_ids: tuple[str, ...]) -> str:
    """``text`` with the attestation appended to the account's ``attestations`` (nothing else changes).
    ``item_ids``: the items of the policy the console audits with."""
    _check_fields(att, item_ids)
    day = _date("date", att.date)
    expires = _date("expires", att.expires) if att.expires.strip() else None
    y = _yaml(text)
    try:
        data = y.load(text)
    except YAMLError as exc:
        raise InputError(f"cannot read the registry to edit it: {str(exc).splitlines()[0]}") from None
    accounts = data.get("accounts") if isinstance(data, CommentedMap) else data
    entry = next((a for a in accounts or [] if isinstance(a, CommentedMap) and a.get("id") == account_id), None)
    if entry is None:
        raise InputError(f"account {account_id!r} is not in the registry")
    new = CommentedMap()
    new["item"], new["by"], new["date"] = att.item, att.by.strip(), day
    if att.note.strip():
        new["note"] = att.note.strip()
    if expires:
        new["expires"] = expires
    trailing = _take_trailing(_last_slot(entry))
    existing = entry.get("attestations")
    if isinstance(existing, CommentedSeq):
        existing.append(new)
    elif existing is None:
        entry.pop("attestations", None)
        entry["attestations"] = CommentedSeq([new])
    else:
        raise InputError(f"account {account_id!r}: 'attestations' is not a list; fix it by hand first")
    _put_trailing(_last_slot(entry), trailing)
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


def record(sites: Path, account_id: str, att: NewAttestation, item_ids: tuple[str, ...],
           expected: str | None = None) -> str:
    """Write the attestation into ``sites`` after validating the result; returns the new text.

    ``expected`` is the digest of the file as the person saw it: if it changed since, nothing is
    written (someone else edited it). A refused attestation leaves the file as it was."""
    try:
        text = sites.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{sites}: cannot read the registry: {exc.strerror or exc}") from None
    if expected is not None and digest(text) != expected:
        raise InputError(f"{sites}: the registry changed since this page was loaded; reload it and try again")
    new_text = updated_text(text, account_id, att, item_ids)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{sites.name}.", suffix=".console.tmp", dir=sites.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(new_text)
        try:
            registry = load_registry(tmp, item_ids)
        except InputError as exc:
            raise InputError(str(exc).replace(str(tmp), str(sites))) from None
        account = next(a for a in registry.accounts if a.id == account_id)
        if not any(a.item == att.item and a.by == att.by.strip() and a.date == att.date.strip()
                   for a in account.attestations):
            raise InputError(f"{sites}: the attestation did not read back from the edited registry; not saved")
        os.chmod(tmp, sites.stat().st_mode & 0o7777)
        os.replace(tmp, sites)
    finally:
        tmp.unlink(missing_ok=True)
    return new_text

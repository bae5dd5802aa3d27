"""What a check kind is: its inputs and words (pydantic models the policy loader validates every
item against) and one pure ``run(item, snapshot, policy)``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from auditor.models import ItemResult

# Patterns for every language (a list) or per language ({en: [...], es: [...]}).
Patterns = list[str] | dict[str, list[str]]


class Inputs(BaseModel):
    """A kind's inputs; a field the kind does not read is an error (extra=forbid)."""

    model_config = ConfigDict(extra="forbid")


class Words(BaseModel):
    """What a kind says in its reasons; every field is required, so the words come from the policy."""

    model_config = ConfigDict(extra="forbid")


def patterns(description: str, required: bool = True) -> Patterns:
    """A pattern-list field of an inputs model."""
    if required:
        return Field(description=description)  # type: ignore[no-any-return]
    return Field(default_factory=list, description=description)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Kind:
    name: str
    doc: str  # one line: what the kind looks for
    inputs: type[Inputs]
    words: type[Words]
    run: Callable[..., ItemResult]  # (item, snapshot, policy, identity=None)
    link: bool = False  # its example is a URL (a website field, or typed into the text)
    visible: bool = True  # False: the auditor cannot see the item; no text to paste

"""The results of an analysis: frozen, slotted dataclasses with no behaviour but ``to_dict``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["info", "warning", "error"]
AskKind = Literal["none", "genuine", "mixed", "transactional"]

SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")
ASK_KINDS: tuple[AskKind, ...] = ("none", "genuine", "mixed", "transactional")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the analyzer noticed in a message, good (``info``) or bad.

    ``start`` and ``end`` index into the analysed text, and ``excerpt == text[start:end]``.
    A finding about something *missing* spans the whole message.
    """

    rule_id: str
    principle: str
    start: int
    end: int
    excerpt: str
    message: str
    explanation: str
    suggestion: str | None
    severity: Severity

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Report:
    """The judgement of one message: is it a bare ping, what kind of ask, and the findings."""

    text: str
    bare_ping: bool
    ask: AskKind
    findings: tuple[Finding, ...]

    @property
    def problems(self) -> tuple[Finding, ...]:
        """Findings of severity ``warning`` or ``error``."""
        return tuple(f for f in self.findings if f.severity != "info")

    @property
    def strengths(self) -> tuple[Finding, ...]:
        """Findings of severity ``info``: what the message already does well."""
        return tuple(f for f in self.findings if f.severity == "info")

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "bare_ping": self.bare_ping,
            "ask": self.ask,
            "findings": [f.to_dict() for f in self.findings],
        }

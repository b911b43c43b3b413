"""Findings: what each section hands to the executive summary and the "what changed" table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One measured change between two periods, with its interval and a one-sentence reading.

    `sentence` is safe Markdown written from the numbers (article text escaped); `weight`
    ranks findings for the summary (larger = more notable; e.g. |change| over its scale).
    `claim_ok` is False when the data are too few to support a claim beyond these articles.
    `unit` names the scale: "share..." units are fractions shown as percentages and points.
    """

    section: str
    measure: str
    period_a: str
    period_b: str
    value_a: float | None
    value_b: float | None
    change: float | None
    ci_low: float | None
    ci_high: float | None
    sentence: str
    weight: float = 0.0
    claim_ok: bool = True
    unit: str = ""
    #: The section's overall measure (e.g. mean tone per article): listed first in the summary.
    headline: bool = False

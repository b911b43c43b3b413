"""Framing: through which frames was the coverage written in each period?

Entry function: `framing_section(prepared)` in `compute.py`; the result's fields in `result.py`; prose and
findings in `prose.py`; figures in `figures.py`.
"""

from briefing.sections.framing.compute import framing_section

__all__ = ["framing_section"]

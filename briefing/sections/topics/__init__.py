"""Topics: distinctive terms and names, topics that rose and faded, vocabulary divergence.

Entry function: `topics_section(prepared)` in `compute.py`; the result's fields in `result.py`; prose and
findings in `prose.py`; figures in `figures.py`.
"""

from briefing.sections.topics.compute import topics_section

__all__ = ["topics_section"]

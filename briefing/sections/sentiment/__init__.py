"""Sentiment: did coverage grow warmer or colder, toward whom, and how sure can we be?

Entry function: `sentiment_section(prepared)` in `compute.py`; the result's fields in `result.py`; prose and
findings in `prose.py`; figures in `figures.py`.
"""

from briefing.sections.sentiment.compute import sentiment_section

__all__ = ["sentiment_section"]

"""Stage 3, the sections: each turns the prepared corpus and its measures into one result.

One entry function per section: `overview.corpus_overview`, `sentiment.sentiment_section`,
`framing.framing_section`, `topics.topics_section`; then what reads their findings:
`summary.executive_summary` and the `appendix`. Each `Finding` (`findings`) is one measured
change that the summary may quote.
"""

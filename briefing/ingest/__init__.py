"""`briefing ingest`: bring coverage in from what analysts have (a table of articles, a Media
Cloud story-list export, a list of URLs, a folder of saved web pages) as a corpus folder of
Markdown articles, with a report of what came in and what was set aside and why.

sources: read the source into items · fetch: the polite HTTP client and its page cache ·
extract: article text and metadata from HTML (trafilatura) · language: language detection ·
write: articles to Markdown files · report: the ingest report · progress: progress display ·
run: the whole ingest.
"""

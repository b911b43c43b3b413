"""Stage 4, the briefing: execute the notebooks (`run`, `kernel`), combine them into one document
(`combine`), render HTML and PDF (`render`), publish the site (`publish`); `locking` keeps two
builds of the same briefing apart."""

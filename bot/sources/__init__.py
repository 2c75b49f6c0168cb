"""Source drift: fetching the source pages again (fetch.py) and recording their paragraphs
(record.py), so `check --sources` can tell the curator what changed since the cards were
last checked. Nothing here is imported by `ask`, `check` or the bot: aiohttp and
trafilatura load only for `bot sources`.
"""

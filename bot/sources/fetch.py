"""`bot sources fetch`: download each registered source and keep its main text.

Writes DIR laid out like ../shared/seeds (one text file per source, named as in the
registry, and a sources.yaml with the retrieval date, the text's sha256 and each
paragraph's hash), so `check --sources DIR` reads a fresh fetch exactly as it reads the
seeds. Downloads are bounded (time, bytes, redirects): a page that misbehaves costs one
clear error line, never a hung or memory-hungry run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import yaml

from bot.cards.loading import load_registry
from bot.cards.model import Source
from bot.cards.paragraphs import paragraph_hash, paragraphs, text_hash

USER_AGENT = "osce-bot-sources/1.0 (+checks the fact cards against their sources)"


@dataclass(frozen=True)
class Limits:
    """How much one source may cost: seconds in all, bytes of body, redirects followed."""

    timeout: float = 30.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5


@dataclass(frozen=True)
class Fetched:
    """One source's outcome: its main text, or the one-line reason there is none."""

    source: Source
    text: str | None = None
    error: str | None = None


class FetchError(Exception):
    """A source that could not be fetched; the message is the whole explanation."""


def file_name(source: Source) -> str:
    return source.file or f"{source.id}.txt"


def extract_main_text(html: str, url: str) -> str | None:
    """The page's main text, navigation, cookie banners and footers left out (trafilatura)."""
    import trafilatura  # lazy: a heavy import, only `sources fetch` needs it

    return trafilatura.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_images=False,
        deduplicate=False,
    )


async def _read_capped(response: aiohttp.ClientResponse, limit: int) -> bytes:
    declared = response.content_length
    if declared is not None and declared > limit:
        raise FetchError(f"page is {declared} bytes, over the {limit}-byte cap; not read")
    body = bytearray()
    async for chunk in response.content.iter_chunked(65536):
        body.extend(chunk)
        if len(body) > limit:
            raise FetchError(f"page is over the {limit}-byte cap; stopped reading")
    return bytes(body)


async def fetch_one(session: aiohttp.ClientSession, source: Source, limits: Limits) -> Fetched:
    try:
        async with asyncio.timeout(limits.timeout):
            async with session.get(source.url, max_redirects=limits.max_redirects) as response:
                if response.status >= 400:
                    raise FetchError(f"HTTP {response.status} {response.reason or ''}".strip())
                body = await _read_capped(response, limits.max_bytes)
                charset = response.charset or "utf-8"
                kind = response.content_type
        page = body.decode(charset, errors="replace")
        text = page if kind == "text/plain" else extract_main_text(page, source.url)
        if not text or not text.strip():
            raise FetchError("no main text found in the page")
        return Fetched(source, text=text.strip() + "\n")
    except FetchError as exc:
        return Fetched(source, error=str(exc))
    except TimeoutError:
        return Fetched(source, error=f"no complete answer within {limits.timeout:g} s")
    except aiohttp.TooManyRedirects:
        return Fetched(source, error=f"more than {limits.max_redirects} redirects; not followed")
    except aiohttp.ClientError as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return Fetched(source, error=f"cannot fetch: {reason}")


async def fetch_all(sources: Sequence[Source], limits: Limits) -> list[Fetched]:
    timeout = aiohttp.ClientTimeout(total=limits.timeout, sock_connect=min(10, limits.timeout))
    headers = {"User-Agent": USER_AGENT}
    async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
        return list(await asyncio.gather(*(fetch_one(session, s, limits) for s in sources)))


def write_dir(out: Path, fetched: Sequence[Fetched], retrieved: dt.date) -> None:
    """The texts and a sources.yaml beside them, like ../shared/seeds (failed ones left out)."""
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for item in fetched:
        if item.text is None:
            continue
        s = item.source
        (out / file_name(s)).write_text(item.text, encoding="utf-8")
        entries.append(
            {
                "file": file_name(s),
                "id": s.id,
                "title": s.title,
                "publisher": s.publisher,
                "url": s.url,
                "last_updated": s.last_updated,
                "retrieved": retrieved.isoformat(),
                "sha256": text_hash(item.text),
                "paragraphs": [paragraph_hash(p.text) for p in paragraphs(item.text)],
            }
        )
    header = "# Fetched by `python -m bot sources fetch`; check with `python -m bot check --sources DIR`.\n"
    (out / "sources.yaml").write_text(
        header + yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=1000),
        encoding="utf-8",
    )


def run_fetch(
    registry: Path, out: Path, *, limits: Limits = Limits(), today: dt.date | None = None
) -> int:
    sources, problems = load_registry(registry)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    fetched = asyncio.run(fetch_all(list(sources.values()), limits))
    write_dir(out, fetched, today or dt.datetime.now(dt.UTC).date())
    failed = 0
    for item in fetched:
        if item.error:
            failed += 1
            print(f"{item.source.id}: {item.source.url}: {item.error}", file=sys.stderr)
        else:
            count = len(paragraphs(item.text or ""))
            print(f"{item.source.id}: {out / file_name(item.source)} ({count} paragraphs)")
    if failed:
        print(f"{failed} of {len(fetched)} source(s) failed", file=sys.stderr)
        return 1
    return 0

"""The server's listening socket at shutdown: a connection accepted just as the server
stops is served or closed, never leaked (CPython gh-109564; see `server._close`)."""

from __future__ import annotations

import asyncio
import gc
import socket
import warnings

import pytest
from aiohttp import web

from bot.failures import NetworkUnavailable
from bot.slack.server import _close, _listen
from tests.slack_signing import free_port


async def _stop_after(turns: int) -> tuple[list[str], list[str]]:
    """Connect, let the loop run `turns` turns, stop; what asyncio reported and leaked."""
    loop = asyncio.get_running_loop()
    reported: list[str] = []
    loop.set_exception_handler(lambda _loop, ctx: reported.append(str(ctx.get("message"))))
    loop.set_debug(True)  # asyncio reports a failed transport only in debug mode
    runner = web.AppRunner(web.Application())
    await runner.setup()
    port = free_port()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        listening = await _listen(runner, "127.0.0.1", port)
        client = socket.create_connection(("127.0.0.1", port))
        for _ in range(turns):
            await asyncio.sleep(0)
        async with asyncio.timeout(10):  # aiohttp waits 60 s for a handler it saw no start of
            await _close(runner, listening)
        await asyncio.sleep(0.05)
        client.close()
        gc.collect()
    loop.set_debug(False)
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    return reported, leaked


@pytest.mark.parametrize("turns", range(7))
async def test_a_connection_accepted_as_the_server_stops_is_not_leaked(turns: int) -> None:
    """Two turns after the connect is the gap: accepted, its transport not yet made. With
    a plain `runner.cleanup()` that case logged "Error on transport creation" and leaked
    the socket; the others are there so the gap is covered whichever turn it moves to."""
    reported, leaked = await _stop_after(turns)
    assert reported == [] and leaked == []


async def test_a_port_in_use_is_one_line_naming_the_setting() -> None:
    runner = web.AppRunner(web.Application())
    await runner.setup()
    port = free_port()
    taken = socket.create_server(("127.0.0.1", port))
    try:
        with pytest.raises(NetworkUnavailable, match=rf"port {port} on 127.0.0.1 is in use"):
            await _listen(runner, "127.0.0.1", port)
    finally:
        taken.close()
        await runner.cleanup()

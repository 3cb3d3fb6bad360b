"""A TCP delay proxy on 127.0.0.1: a WAN-like round trip between benchmark clients and a local server.

Every byte is held for half the round trip in each direction (so a request/response pays one full RTT), the
order of bytes is kept and throughput is not limited. A new connection also pays the TCP handshake: the
first client bytes reach the server no earlier than one RTT + RTT/2 after the connection was accepted, as
on a real link where ``connect()`` returns after one round trip. The B2 server builds its upload and
download URLs from the ``Host`` header, so clients that authorize through the proxy stay behind it.

Usage::

    python benchmarks/delay_proxy.py --target 127.0.0.1:8080 --rtt-ms 50 [--port 0]

It prints ``listening <port>`` once ready and runs until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import socket
import sys

CHUNK = 256 * 1024
QUEUED_CHUNKS = 64
"""Back-pressure: at most this many chunks wait in one direction's delay line."""


async def _pump(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float, not_before: float
) -> None:
    """Copy reader -> writer, each chunk sent ``delay`` seconds after it arrived (and not before
    ``not_before``); EOF is passed on the same way."""
    loop = asyncio.get_running_loop()
    line: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(QUEUED_CHUNKS)

    async def receive() -> None:
        while True:
            try:
                data = await reader.read(CHUNK)
            except (ConnectionError, OSError):
                data = b""
            await line.put((max(loop.time(), not_before) + delay, data))
            if not data:
                return

    async def send() -> None:
        while True:
            due, data = await line.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                with contextlib.suppress(OSError, RuntimeError):
                    if writer.can_write_eof():
                        writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    receiving = asyncio.create_task(receive())
    try:
        await send()
    except (ConnectionError, OSError):
        pass
    finally:
        receiving.cancel()


class DelayProxy:
    """Accepts clients and relays each to ``target`` through two delay lines."""

    def __init__(self, target_host: str, target_port: int, rtt_seconds: float) -> None:
        self.target = (target_host, target_port)
        self.rtt = rtt_seconds

    async def handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        accepted = loop.time()
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        for writer in (client_writer, server_writer):
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        half = self.rtt / 2
        try:
            await asyncio.gather(
                _pump(client_reader, server_writer, half, accepted + self.rtt),
                _pump(server_reader, client_writer, half, accepted),
            )
        except asyncio.CancelledError:
            pass  # the proxy is stopping
        finally:
            for writer in (client_writer, server_writer):
                writer.close()


async def _serve(args: argparse.Namespace) -> None:
    host, _, port = args.target.rpartition(":")
    proxy = DelayProxy(host, int(port), args.rtt_ms / 1000)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", args.port, backlog=1024)
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--target", required=True, help="host:port of the server behind the proxy")
    parser.add_argument("--rtt-ms", type=float, default=50.0, help="round-trip time to add (ms)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    asyncio.run(_serve(parser.parse_args()))
    sys.exit(0)


if __name__ == "__main__":
    main()

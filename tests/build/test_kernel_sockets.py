"""Socket files that kernels of killed runs leave in the temporary folder are swept; live ones stay."""

from __future__ import annotations

import os
import socket
import time

from briefing.build.kernel import SOCKET_PREFIX, sweep_sockets


def _socket_file(path, listen: bool) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    if listen:
        s.listen(1)
    return s


def test_dead_old_sockets_are_removed_and_live_or_recent_ones_kept(tmp_path):
    old = time.time() - 7200
    dead = tmp_path / f"{SOCKET_PREFIX}dead-1"
    live = tmp_path / f"{SOCKET_PREFIX}live-1"
    recent = tmp_path / f"{SOCKET_PREFIX}recent-1"
    other = tmp_path / "someone-else-1"
    socks = [_socket_file(dead, False), _socket_file(live, True), _socket_file(recent, False),
             _socket_file(other, False)]
    socks[0].close()  # the kernel that made it is gone
    for path in (dead, live, other):
        os.utime(path, (old, old))
    try:
        assert sweep_sockets(folder=tmp_path) == 1
        assert not dead.exists() and live.exists() and recent.exists() and other.exists()
    finally:
        for s in socks:
            s.close()

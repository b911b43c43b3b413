"""The project's Jupyter kernel, named after it, installed into the active environment."""

from __future__ import annotations

import socket
import stat
import sys
import tempfile
import time
from pathlib import Path

KERNEL_NAME = "briefing"
#: The prefix of the kernels' IPC socket files in the temporary folder.
SOCKET_PREFIX = "briefing-kernel-"


def install() -> str:
    """Install (or refresh) the `briefing` kernelspec under sys.prefix, pointing at this Python."""
    from ipykernel.kernelspec import install as ipk_install

    ipk_install(kernel_name=KERNEL_NAME, display_name="Python (briefing)", prefix=sys.prefix)
    return KERNEL_NAME


def kernel_name() -> str:
    """`briefing` when its kernelspec is installed, else the default `python3`."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return KERNEL_NAME if KERNEL_NAME in specs else "python3"


def kernel_manager_class() -> type:
    """A kernel manager that talks to the kernel over local IPC sockets instead of loopback TCP:
    nothing listens on the network, and the kernel has no unencrypted-TCP warning to print."""
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def _transport_default(self) -> str:
            return "ipc"

        def _ip_default(self) -> str:
            # a socket path of its own: kernels started at once must not share "kernel-ipc-N"
            return str(Path(tempfile.gettempdir()) / f"{SOCKET_PREFIX}{uuid.uuid4().hex[:12]}")

    return IPCKernelManager


def sweep_sockets(max_age: float = 3600.0, folder: Path | None = None) -> int:
    """Remove the IPC socket files that kernels of killed runs left behind (a kernel shut down
    normally removes its own): sockets older than `max_age` seconds that nothing listens on.
    Returns how many were removed."""
    removed = 0
    now = time.time()
    for path in Path(folder or tempfile.gettempdir()).glob(f"{SOCKET_PREFIX}*"):
        try:
            st = path.lstat()
            if not stat.S_ISSOCK(st.st_mode) or now - st.st_mtime < max_age:
                continue
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.settimeout(0.5)
                try:
                    probe.connect(str(path))
                    continue  # a live kernel listens on it
                except (ConnectionRefusedError, FileNotFoundError):
                    pass
            path.unlink()
            removed += 1
        except OSError:  # another user's file, or gone meanwhile: leave it
            continue
    return removed

"""The project's Jupyter kernel, named after it, installed into the active environment."""

from __future__ import annotations

import sys
from pathlib import Path

KERNEL_NAME = "briefing"


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
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def _transport_default(self) -> str:
            return "ipc"

        def _ip_default(self) -> str:
            # a socket path of its own: kernels started at once must not share "kernel-ipc-N"
            return str(Path(tempfile.gettempdir()) / f"briefing-kernel-{uuid.uuid4().hex[:12]}")

    return IPCKernelManager

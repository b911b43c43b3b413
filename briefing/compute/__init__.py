"""Where per-document work runs: in this process or over the machine's cores (`pool`)."""

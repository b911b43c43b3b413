"""briefing: parameterized notebooks that brief how news coverage shifted between periods."""

__version__ = "0.1.0"

"""Entry point: ``discovery-app`` / ``python -m discovery_app``."""

from __future__ import annotations

import sys


def main() -> int:
    from . import collector

    collector.pause()  # resumed once start-up is over (discovery_app.collector says why)
    import signal

    from .cli import main as cli_main

    if hasattr(signal, "SIGPIPE"):
        # `discovery-app list | head` should stop quietly, as other command-line tools do.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())

"""The ``kizuna`` command line: thin Typer commands over the library, one module per capability."""

import time

# When the command started, before the libraries and the lists are loaded: times printed include start-up.
STARTED = time.perf_counter()

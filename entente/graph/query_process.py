"""The child process that runs one query under a time limit.

:func:`entente.graph.query.run_query` starts ``python -m entente.graph.query_process``,
writes one pickled request to its standard input and reads one pickled answer from
its standard output; the parent kills it at the deadline. Nothing else uses it.
"""

from __future__ import annotations

import sys

from entente.graph.query import child_main


def main() -> None:
    request = sys.stdin.buffer.read()
    sys.stdout.buffer.write(child_main(request))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()

"""How loaders hand a bad record to the caller: report it, or raise it.

Every reader takes an ``on_error`` callback. A reader that meets a record it
cannot load builds an :class:`~entente.errors.InputError` and passes it to
:func:`report`, then goes on with the next record; when the caller gave no
callback the error is raised instead, which ends the load.
"""

from __future__ import annotations

from collections.abc import Callable

from entente.errors import InputError

__all__ = ["OnError", "report"]

OnError = Callable[[InputError], None] | None
"""Type of the ``on_error`` argument of every reader."""


def report(error: InputError, on_error: OnError) -> None:
    """Pass ``error`` to ``on_error``, or raise it when there is no callback.

    Args:
        error: The error to report.
        on_error: The caller's callback, or ``None`` to raise.

    Raises:
        InputError: ``error`` itself, when ``on_error`` is ``None``.
    """
    if on_error is None:
        raise error
    on_error(error)

"""One escaping function per output format (see each module); the terminal's is
:func:`sumbench.common.terminal.escape_controls`."""

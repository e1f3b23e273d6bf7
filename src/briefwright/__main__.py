"""Run the command line with `python -m briefwright`."""

from .cli import main

main()

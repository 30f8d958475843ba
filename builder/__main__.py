"""`python -m builder` runs the same command line as `disan`."""

from .cli import run

run()

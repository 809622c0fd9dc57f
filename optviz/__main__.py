"""`python -m optviz` runs the command line."""
import sys

from .cli import command

if __name__ == "__main__":   # a Dask worker started by spawn imports this module again
    sys.exit(command())

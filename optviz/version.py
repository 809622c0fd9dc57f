"""optviz's version, recorded in the metadata of every file it writes.

May import: nothing.
"""
__version__ = "0.1.0"

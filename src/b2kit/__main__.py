"""``python -m b2kit``: the ``b2kit`` command line, for environments without the console script on PATH."""

from b2kit.cli import main

if __name__ == "__main__":
    main(prog_name="b2kit")

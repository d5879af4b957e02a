"""`python -m dhtt_batch.cli …` runs the installed `dhtt-batch` command."""

from . import main

main()

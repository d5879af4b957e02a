"""dhtt-batch: collect, validate, merge and report điển hình tiên tiến registration workbooks."""

__version__ = "0.1.0"

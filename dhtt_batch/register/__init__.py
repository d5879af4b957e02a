"""The exemplar register: every accepted row of every year's consolidated workbook, kept in a
database (SQLite by default, PostgreSQL for a shared register) so the mid-term and final reviews
can ask who has been an exemplar for how many years, with which titles and how far it spread."""


class RegisterError(Exception):
    """The register cannot do what was asked (bad address, bad input); message in Vietnamese."""


class RegisterWriteError(Exception):
    """The register could not be written (read-only file, full disk); message in Vietnamese."""

"""The leadership report: context from a consolidated workbook, rendered as DOCX, HTML or PDF."""


class ReportError(Exception):
    """The report cannot be made as asked; the message is Vietnamese."""

"""Everything dhtt-batch writes for people: consolidated workbook, feedback, manifest, console."""

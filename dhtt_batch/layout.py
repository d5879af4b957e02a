"""Names and positions shared by the template writer and the workbook reader.

The reader never relies on positions (units insert rows and move columns); it relies on these
names and on the spec's headers. The positions are where the template *puts* things.
"""

TEMPLATE_ID = "dhtt-batch"
META_SHEET = "_meta"
LISTS_SHEET = "_DanhMuc"
INSTRUCTIONS_SHEET = "Hướng dẫn"

HEADER_ROW = 5  # header row of a criterion sheet in a fresh template
NUMBER_ROW = HEADER_ROW + 1  # the "(1) (2) (3)" column-number row
EXAMPLE_ROW = HEADER_ROW + 2
FIRST_DATA_ROW = HEADER_ROW + 3
PREPARED_ROWS = 1000  # rows pre-formatted with validations; more may be inserted or typed
FORM_FIRST_ROW = 3  # first field row of the unit-information sheet

EXAMPLE_MARKERS = ("ví dụ", "vd", "mẫu", "ví dụ:")
REQUIRED_MARK = " (*)"

# Keys of the metadata sheet (column A), values in column B.
META_KEYS = (
    "template_id", "spec_version", "spec_hash", "campaign_id", "period_id", "period_label",
    "unit_code", "tool_version",
)

# The consolidated workbook (read back by `report`).
SUMMARY_SHEET = "Tổng hợp"
STATUS_SHEET = "Tình hình nộp"
ERRORS_SHEET = "Lỗi"
DUPLICATES_SHEET = "Trùng lặp"
CONSOLIDATED_HEADER_ROW = 2
PROVENANCE_HEADERS = ("Mã đơn vị", "Đơn vị", "Tệp nguồn", "Dòng nguồn")

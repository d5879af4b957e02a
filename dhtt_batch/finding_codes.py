"""The finding-code catalogue: every kind of finding as data.

Each kind has a stable code, a severity, a short Vietnamese title and a message template that
says what is wrong *and* what to type instead (`findings.make_finding` fills it in). The table
below is the documented list of codes (`python -m dhtt_batch.finding_codes` prints it as
Markdown; README.md carries that table and a test keeps the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"
SEVERITY_LABEL = {ERROR: "Lỗi", WARNING: "Cảnh báo"}


@dataclass(frozen=True)
class Kind:
    code: str
    severity: str
    title: str
    template: str
    blocking: bool = False  # the whole file is rejected


_KINDS = [
    # -- the file itself ----------------------------------------------------------------------
    Kind(
        "empty_file",
        ERROR,
        "Tệp rỗng",
        "Tệp không có nội dung (0 byte). Hãy lưu lại biểu mẫu đã điền rồi gửi lại.",
        True,
    ),
    Kind(
        "not_spreadsheet",
        ERROR,
        "Không phải bảng tính",
        "Tệp không phải bảng tính Excel hoặc LibreOffice (nội dung là {detail}). Hãy gửi biểu "
        "mẫu .xlsx đã điền.",
        True,
    ),
    Kind(
        "encrypted",
        ERROR,
        "Tệp có mật khẩu",
        "Tệp được đặt mật khẩu nên không đọc được. Hãy gỡ mật khẩu (Tệp > Thông tin > Bảo vệ "
        "sổ làm việc) rồi gửi lại.",
        True,
    ),
    Kind(
        "corrupt",
        ERROR,
        "Tệp hỏng",
        "Tệp bị hỏng hoặc không trọn vẹn ({detail}). Hãy mở bằng Excel, lưu lại rồi gửi lại.",
        True,
    ),
    Kind(
        "unsafe_file",
        ERROR,
        "Tệp có cấu trúc bất thường",
        "Tệp có cấu trúc bất thường ({detail}) nên không được mở, để bảo đảm an toàn. Hãy chép "
        "dữ liệu sang biểu mẫu mới rồi gửi lại.",
        True,
    ),
    Kind(
        "not_template",
        ERROR,
        "Không phải biểu mẫu",
        "Tệp không phải biểu mẫu đăng ký điển hình tiên tiến (không thấy sheet {detail}). Hãy "
        "dùng biểu mẫu do Phòng Hành chính - Tổ chức gửi.",
        True,
    ),
    Kind(
        "wrong_period",
        ERROR,
        "Biểu mẫu khác kỳ",
        "Đây là biểu mẫu của kỳ '{value}', không phải kỳ '{expected}'. Hãy chép dữ liệu sang "
        "biểu mẫu của kỳ này.",
        True,
    ),
    Kind(
        "unknown_version",
        ERROR,
        "Phiên bản biểu mẫu không hỗ trợ",
        "Biểu mẫu phiên bản '{value}' không còn dùng được (hiện dùng phiên bản {expected}). Hãy "
        "chép dữ liệu sang biểu mẫu mới.",
        True,
    ),
    Kind(
        "no_metadata",
        WARNING,
        "Thiếu thông tin nhận dạng biểu mẫu",
        "Tệp không còn sheet ẩn nhận dạng biểu mẫu; đã đọc theo tên sheet và tiêu đề cột. Lần "
        "sau hãy điền trực tiếp vào biểu mẫu được gửi.",
    ),
    Kind(
        "extension_mismatch",
        WARNING,
        "Đuôi tệp không khớp nội dung",
        "Tệp có đuôi '{value}' nhưng nội dung là {detail}; đã đọc theo nội dung. Lần sau hãy "
        "lưu đúng dạng .xlsx.",
    ),
    Kind(
        "macros_ignored",
        WARNING,
        "Có macro",
        "Tệp có macro hoặc đối tượng nhúng; các thành phần này được bỏ qua, không chạy.",
    ),
    Kind(
        "read_aborted",
        ERROR,
        "Trình đọc dừng đột ngột",
        "Chương trình đọc bảng tính bị dừng khi mở tệp này ({detail}) nên tệp không được đọc; "
        "các tệp khác vẫn được xử lý. Hãy mở tệp bằng Excel, lưu lại rồi gửi lại.",
        True,
    ),
    # -- what is in the inbox but is no unit's workbook: reported, never opened or read ----------
    Kind(
        "special_file",
        ERROR,
        "Không phải tệp thường",
        "Mục này trong thư mục nhận không phải tệp thường ({detail}) nên không được mở. Hãy "
        "chép tệp biểu mẫu thật vào thư mục nhận.",
        True,
    ),
    Kind(
        "outside_inbox",
        ERROR,
        "Liên kết ra ngoài thư mục nhận",
        "Đây là liên kết tới '{detail}', nằm ngoài thư mục nhận, nên không được mở. Hãy chép "
        "tệp thật vào thư mục nhận.",
        True,
    ),
    Kind(
        "folder_unreadable",
        ERROR,
        "Không đọc được thư mục",
        "Không đọc được thư mục này ({detail}); các tệp trong đó chưa được kiểm tra và đơn vị "
        "đã gửi có thể bị ghi là chưa nộp. Hãy cấp quyền đọc thư mục rồi chạy lại.",
        True,
    ),
    Kind(
        "office_lock_file",
        WARNING,
        "Tệp khóa tạm của Office",
        "Tệp tên bắt đầu bằng '~$' là tệp khóa tạm Excel/LibreOffice tạo khi đang mở một bảng "
        "tính, không phải biểu mẫu, nên không được đọc. Nếu đơn vị gửi nhầm tệp này, hãy đề "
        "nghị gửi lại tệp biểu mẫu thật.",
        True,
    ),
    Kind(
        "own_output",
        WARNING,
        "Kết quả do dhtt-batch tạo",
        "Tệp này là {detail} do dhtt-batch tạo ra, không phải biểu mẫu đơn vị gửi, nên không "
        "được đọc. Hãy để thư mục kết quả (-o) ngoài thư mục nhận.",
        True,
    ),
    Kind(
        "sidecar_unreadable",
        WARNING,
        "Không dùng được thông tin thư",
        "Tệp thông tin thư đi kèm không dùng được: {detail}. Người gửi và thời điểm nhận được "
        "lấy từ nguồn khác; hãy kiểm tra hoặc sửa lại tệp này.",
    ),
    # -- sheets and columns -------------------------------------------------------------------
    Kind(
        "missing_sheet",
        WARNING,
        "Thiếu sheet",
        "Không thấy sheet '{sheet}'. Nếu đơn vị không có điển hình cho tiêu chí này, hãy giữ "
        "nguyên sheet và để trống.",
    ),
    Kind(
        "sheet_too_large",
        ERROR,
        "Sheet quá lớn",
        "Tệp có vùng dữ liệu quá lớn ({detail}) nên không được đọc, để bảo đảm an toàn. Hãy "
        "xóa các dòng, cột thừa rồi gửi lại.",
    ),
    Kind(
        "header_not_found",
        ERROR,
        "Không thấy dòng tiêu đề",
        "Sheet '{sheet}': không tìm thấy dòng tiêu đề cột (STT, Đối tượng, Họ và tên / Tên tập "
        "thể …). Hãy giữ nguyên dòng tiêu đề của biểu mẫu.",
    ),
    Kind(
        "missing_column",
        ERROR,
        "Thiếu cột bắt buộc",
        "Sheet '{sheet}' thiếu cột '{column}'. Hãy thêm lại cột này đúng tiêu đề như biểu mẫu; "
        "các dòng của sheet chưa được nhận.",
    ),
    Kind(
        "extra_column",
        WARNING,
        "Cột lạ",
        "Cột '{value}' không có trong biểu mẫu; nội dung cột này không được tổng hợp.",
    ),
    Kind(
        "renamed_column",
        WARNING,
        "Tiêu đề cột bị sửa",
        "Tiêu đề '{value}' đã được hiểu là cột '{column}'. Không sửa tiêu đề cột của biểu mẫu.",
    ),
    # -- cells ----------------------------------------------------------------------------------
    Kind("required", ERROR, "Thiếu thông tin bắt buộc", "{column} bắt buộc phải điền. {hint}"),
    Kind("required_when", ERROR, "Thiếu thông tin theo điều kiện", "{detail}"),
    Kind("blank_when", ERROR, "Ô phải để trống", "{detail} Ô này đang ghi '{value}'."),
    Kind(
        "type_integer",
        ERROR,
        "Không phải số nguyên",
        "{column} phải là số nguyên; ô này đang ghi '{value}'.",
    ),
    Kind(
        "type_year",
        ERROR,
        "Năm không hợp lệ",
        "{column} phải là năm ghi bằng 4 chữ số (ví dụ {expected}); ô này đang ghi '{value}'.",
    ),
    Kind(
        "type_date",
        ERROR,
        "Ngày không hợp lệ",
        "{column} phải là ngày dạng ngày/tháng/năm (ví dụ 15/01/2024); ô này đang ghi '{value}'.",
    ),
    Kind(
        "type_url",
        ERROR,
        "Đường dẫn không hợp lệ",
        "{column} phải là địa chỉ bắt đầu bằng http:// hoặc https://; ô này đang ghi '{value}'.",
    ),
    Kind(
        "type_email",
        ERROR,
        "Thư điện tử không hợp lệ",
        "{column} phải có dạng ten@coquan.gov.vn; ô này đang ghi '{value}'.",
    ),
    Kind(
        "type_phone",
        ERROR,
        "Số điện thoại không hợp lệ",
        "{column} phải gồm 9 đến 11 chữ số (có thể có dấu cách, chấm, gạch); ô này đang ghi "
        "'{value}'.",
    ),
    Kind(
        "out_of_range",
        ERROR,
        "Ngoài khoảng cho phép",
        "{column} phải {expected}; ô này đang ghi '{value}'.",
    ),
    Kind(
        "future_date",
        ERROR,
        "Ngày trong tương lai",
        "{column} không được sau ngày hôm nay; ô này đang ghi '{value}'.",
    ),
    Kind(
        "too_short",
        ERROR,
        "Quá ngắn",
        "{column} cần ít nhất {expected} ký tự; ô này đang ghi '{value}'.",
    ),
    Kind(
        "too_long",
        ERROR,
        "Quá dài",
        "{column} dài {detail} ký tự, tối đa {expected} ký tự. Hãy rút gọn.",
    ),
    Kind(
        "pattern",
        ERROR,
        "Sai định dạng",
        "{column} không đúng dạng (ví dụ {expected}); ô này đang ghi '{value}'.",
    ),
    Kind(
        "choice",
        ERROR,
        "Không có trong danh sách",
        "{column} phải là {expected}; ô này đang ghi '{value}'. Hãy chọn trong danh sách thả "
        "xuống.",
    ),
    Kind(
        "not_in_catalogue",
        WARNING,
        "Không có trong danh mục",
        "{column} '{value}' không có trong danh mục; hãy kiểm tra lại tên gọi.",
    ),
    Kind(
        "unknown_unit",
        ERROR,
        "Đơn vị không có trong danh sách",
        "{column} '{value}' không có trong danh sách đơn vị; hãy chọn tên đơn vị trong danh "
        "sách thả xuống.",
    ),
    Kind(
        "error_value",
        ERROR,
        "Ô có lỗi công thức",
        "Ô đang báo lỗi công thức '{value}'; hãy ghi giá trị cụ thể.",
    ),
    Kind(
        "formula_no_value",
        ERROR,
        "Công thức chưa có giá trị",
        "Ô có công thức nhưng chưa có giá trị đã tính; hãy mở tệp bằng Excel, lưu lại, hoặc ghi "
        "giá trị cụ thể.",
    ),
    Kind(
        "duplicate_row",
        WARNING,
        "Dòng trùng lặp",
        "Dòng này trùng hoàn toàn với dòng {detail}; kiểm tra xem có nhập hai lần không.",
    ),
    Kind(
        "example_row_data",
        WARNING,
        "Dòng ví dụ có dữ liệu",
        "Dòng ghi 'Ví dụ' ở cột STT nhưng có nội dung khác dòng ví dụ; đã coi là dữ liệu. Hãy "
        "xóa chữ 'Ví dụ'.",
    ),
    # -- normalisations: the value was changed, so the clerk is told ----------------------------
    Kind(
        "legacy_encoding",
        WARNING,
        "Bảng mã cũ",
        "Ô ghi bằng bảng mã cũ {detail} ('{value}'); đã chuyển sang Unicode thành '{expected}'. "
        "Hãy kiểm tra và dùng phông Unicode (Times New Roman).",
    ),
    Kind(
        "date_as_text",
        WARNING,
        "Ngày ghi dạng chữ",
        "Ngày được ghi dạng chữ hoặc số '{value}'; đã hiểu là {expected}. Hãy kiểm tra lại.",
    ),
    Kind(
        "choice_normalized",
        WARNING,
        "Lựa chọn gõ tay",
        "'{value}' đã được hiểu là '{expected}'. Lần sau hãy chọn trong danh sách thả xuống.",
    ),
    Kind(
        "control_characters",
        WARNING,
        "Ký tự không in được",
        "Ô có ký tự điều khiển không in được; đã bỏ đi.",
    ),
    # -- merge ------------------------------------------------------------------------------------
    Kind(
        "unit_unknown",
        ERROR,
        "Không rõ đơn vị gửi",
        "Không xác định được đơn vị gửi tệp. Hãy chọn tên đơn vị ở sheet 'Thông tin đơn vị'. "
        "(HCTC có thể ghi mã đơn vị vào khóa \"unit\" trong tệp '{expected}' rồi chạy lại.)",
        True,
    ),
    Kind(
        "unit_not_in_roster",
        ERROR,
        "Đơn vị ngoài danh sách",
        "Đơn vị '{value}' không có trong danh sách đơn vị báo cáo của đợt này. (HCTC có thể "
        "ghi mã đơn vị đúng vào khóa \"unit\" trong tệp '{expected}' rồi chạy lại.)",
        True,
    ),
    Kind(
        "unit_conflict",
        ERROR,
        "Không rõ tệp của đơn vị nào",
        "Không xác định được tệp của đơn vị nào: {detail}. Dữ liệu chưa được tính cho đơn vị "
        "nào. HCTC ghi mã đơn vị đúng vào khóa \"unit\" trong tệp '{value}' (tạo tệp nếu chưa "
        "có) rồi chạy lại.",
        True,
    ),
    Kind(
        "unit_mismatch",
        WARNING,
        "Tên đơn vị không khớp",
        "Tệp được tính cho '{expected}' vì {detail}; nhưng {value}. Nếu không đúng, HCTC ghi mã "
        "đơn vị đúng vào khóa \"unit\" trong tệp '{hint}' rồi chạy lại.",
    ),
    Kind(
        "superseded",
        WARNING,
        "Đã có bản gửi sau",
        "Tệp này đã được thay bằng bản mới hơn '{detail}' (theo {expected}: {value}); dữ "
        "liệu của tệp này không được tổng hợp.",
    ),
    Kind(
        "version_order_uncertain",
        WARNING,
        "Chưa chắc bản nào mới hơn",
        "Đơn vị gửi nhiều bản; bản này được tính là bản mới nhất, nhưng {detail}. Nếu không "
        'đúng, HCTC ghi thời điểm nhận đúng vào khóa "received" (ví dụ '
        '"2025-12-18T15:00:00+07:00") trong tệp <tên tệp>.meta.json đặt cạnh mỗi bản ({value}; '
        "tạo tệp nếu chưa có) rồi chạy lại.",
    ),
    Kind(
        "late",
        WARNING,
        "Gửi muộn",
        "Tệp được tính là gửi {value} (theo {detail}), sau hạn {expected}; vẫn được tổng hợp "
        "và ghi là nộp muộn.",
    ),
    Kind(
        "likely_duplicate",
        WARNING,
        "Có thể đăng ký trùng",
        "'{value}' có thể đã được đăng ký ở {detail}; hãy kiểm tra để tránh trùng.",
    ),
]

KINDS: dict[str, Kind] = {k.code: k for k in _KINDS}
# About the file as a whole, for HCTC: nothing in the workbook for the unit to correct, so
# on their own they call for no feedback copy (the summary and the reply draft carry them).
OFFICE_NOTICES = frozenset({"late", "superseded", "version_order_uncertain", "unit_mismatch"})


def codes_table() -> str:
    """The documented list of codes, as a Markdown table."""
    lines = ["| code | severity | title | rejects file |", "|---|---|---|---|"]
    for k in _KINDS:
        lines.append(f"| `{k.code}` | {k.severity} | {k.title} | {'yes' if k.blocking else ''} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(codes_table())

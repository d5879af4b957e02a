"""`dhtt-batch init DIR`: an office's working folder with an editable campaign file."""

from __future__ import annotations

import shutil
from pathlib import Path

from .campaign import default_campaign_path
from .report.docx import default_docx_template
from .spec_loader import load_specs

DEFAULTS = Path(__file__).resolve().parent / "defaults"
DEFAULT_HTML = DEFAULTS / "bao-cao.html"
HTML_FRAME = DEFAULTS / "khung-bao-cao.html"  # what bao-cao.html extends

NEXT_STEPS = """\
THƯ MỤC LÀM VIỆC dhtt-batch

1. Mở campaign.toml, sửa tên cơ quan, kỳ báo cáo, hạn gửi, danh sách đơn vị
   (mã, tên, thư điện tử) và khối chữ ký của báo cáo.
2. Tạo biểu mẫu cho từng đơn vị:
     dhtt-batch template -c campaign.toml --all-units -o bieu-mau
   rồi gửi mỗi đơn vị tệp mang mã của mình.
3. Lưu các tệp đơn vị gửi về vào thư mục inbox/ (hoặc dùng dhtt-batch collect).
4. Kiểm tra và tổng hợp:
     dhtt-batch merge -c campaign.toml inbox -o ket-qua
   Thư mục ket-qua/feedback/ chứa các tệp đã đánh dấu lỗi để gửi lại đơn vị.
5. Lập báo cáo trình lãnh đạo:
     dhtt-batch report -c campaign.toml ket-qua/tong-hop-<kỳ>.xlsx -o bao-cao.docx
   Muốn sửa mẫu báo cáo: sửa mau-bao-cao.docx (hoặc mau-bao-cao.html; phần đầu, kết
   và chữ ký của bản HTML nằm ở khung-bao-cao.html) rồi ghi
   docx_template = "mau-bao-cao.docx" trong mục [report] của campaign.toml.
"""


class InitError(Exception):
    """The working folder cannot be created as asked."""


def init_workdir(directory: Path) -> list[Path]:
    campaign = directory / "campaign.toml"
    if campaign.exists():
        raise InitError(f"{campaign} đã có; không ghi đè. Hãy chọn thư mục khác.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        inbox = directory / "inbox"
        inbox.mkdir(exist_ok=True)
        shutil.copyfile(default_campaign_path(), campaign)
        note = directory / "HUONG-DAN.txt"
        note.write_text(NEXT_STEPS, encoding="utf-8")
        docx = directory / "mau-bao-cao.docx"
        docx.write_bytes(default_docx_template(load_specs()).getvalue())
        html = directory / "mau-bao-cao.html"
        shutil.copyfile(DEFAULT_HTML, html)
        shutil.copyfile(HTML_FRAME, directory / HTML_FRAME.name)
    except OSError as exc:
        raise InitError(f"Không tạo được thư mục {directory}: {exc.strerror or exc}.") from exc
    return [campaign, inbox, note, docx, html]

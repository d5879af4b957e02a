"""Build the sample inbox: the default roster's units filling the generated templates.

Deterministic content (no randomness); run from the repository root:

    python samples/make_samples.py

It rewrites samples/inbox/. LibreOffice (soffice) is needed for the .xls and .ods files.
What each file holds, and what dhtt-batch says about it, is in samples/README.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from dhtt_batch.campaign import Campaign, load_campaign
from dhtt_batch.spec import SpecSet
from dhtt_batch.template import build_template
from dhtt_batch.testing import fill_template, save_saved_at

INBOX = Path(__file__).resolve().parent / "inbox"
FIXED_TIME = datetime(2025, 12, 1, 8, 0, 0)  # when the templates were made
OFFICE = timezone(timedelta(hours=7))
UNIT_TZ = "Asia/Ho_Chi_Minh"  # the units' machines (LibreOffice writes local time)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in December 2025 on the office's wall clock."""
    return datetime(2025, 12, day, hour, minute, tzinfo=OFFICE)


def person(
    name: str, sex: str | None, born: int | str, position: str, unit: str, **extra: Any
) -> dict[str, Any]:
    return {
        "doi_tuong": "Cá nhân",
        "ho_ten": name,
        "gioi_tinh": sex,
        "nam_sinh": born,
        "chuc_vu": position,
        "don_vi_cong_tac": unit,
        "phan_loai": "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu",
        **extra,
    }


def collective(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "doi_tuong": "Tập thể",
        "ho_ten": name,
        "don_vi_cong_tac": name,
        "phan_loai": "Cơ quan Hành chính",
        **extra,
    }


def hcm(stage: str, breakthrough: str, summary: str, proposal: str, **extra: Any) -> dict[str, Any]:
    return {
        "giai_doan": stage,
        "noi_dung_dot_pha": breakthrough,
        "muc_do_hoan_thanh": "Hoàn thành xuất sắc nhiệm vụ",
        "pham_vi_lan_toa": "Toàn cơ quan",
        "tom_tat_thanh_tich": summary,
        "hinh_thuc_de_nghi": proposal,
        **extra,
    }


def reform(
    stage: str,
    model: str,
    area: str,
    year: int,
    effect: str,
    summary: str,
    proposal: str,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "giai_doan": stage,
        "ten_mo_hinh": model,
        "linh_vuc_cai_cach": area,
        "nam_ap_dung": year,
        "hieu_qua_hai_long": effect,
        "tom_tat_thanh_tich": summary,
        "hinh_thuc_de_nghi": proposal,
        **extra,
    }


def digital(
    stage: str,
    product: str,
    serves: str,
    year: int,
    effect: str,
    summary: str,
    proposal: str,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "giai_doan": stage,
        "ten_san_pham": product,
        "phuc_vu": serves,
        "nam_su_dung": year,
        "hieu_qua_nang_suat": effect,
        "tom_tat_thanh_tich": summary,
        "hinh_thuc_de_nghi": proposal,
        **extra,
    }


def info(unit: str, clerk: str, phone: str, email: str, day: date, head: str) -> dict[str, Any]:
    return {
        "don_vi": unit,
        "nguoi_lap": clerk,
        "dien_thoai": phone,
        "email": email,
        "ngay_lap": day,
        "thu_truong": head,
    }


GK = "Giấy khen của Chánh Văn phòng"
BK = "Bằng khen của Chủ tịch UBND tỉnh"
UP = "Giới thiệu cấp trên xem xét, tôn vinh"
BD = "Biểu dương"
AWARD = {
    "danh_hieu": "Chiến sĩ thi đua cơ sở",
    "so_quyet_dinh": "112/QĐ-VPUBND",
    "ngay_quyet_dinh": date(2024, 12, 20),
}


def build(
    campaign: Campaign,
    specs: SpecSet,
    code: str | None,
    form: dict[str, Any],
    rows: dict[str, list[dict[str, Any]]],
    edit: Callable[[Workbook], None] | None = None,
) -> Workbook:
    wb = build_template(
        campaign, specs, campaign.unit(code) if code else None, today=date(2025, 11, 20)
    )
    fill_template(wb, specs, form, rows)
    if edit:
        edit(wb)
    wb.properties.created = FIXED_TIME
    return wb


def insert_rows_above_header(wb: Workbook) -> None:
    ws = wb["a_HCM"]
    ws.insert_rows(1, amount=2)
    ws["A1"] = "PHÒNG NỘI CHÍNH - ĐĂNG KÝ NĂM 2025"


def sidecar(path: Path, sender: str, received: str, subject: str) -> None:
    path.with_name(path.name + ".meta.json").write_text(
        json.dumps(
            {
                "sender": sender,
                "received": received,
                "subject": subject,
                "original_name": path.name,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


def convert(wb: Workbook, saved: datetime, fmt: str, target: Path) -> None:
    """Save `wb` as LibreOffice on a unit's machine would have saved it as .xls or .ods at
    `saved`: the converted file keeps the source's last-saved time, which LibreOffice (7.x)
    reads from .xlsx as local wall-clock time, so the source carries the wall-clock digits."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to write the .xls and .ods samples.")
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = Path(tmp) / f"{target.stem}.xlsx"
        save_saved_at(wb, xlsx, saved.replace(tzinfo=UTC))
        subprocess.run(
            [
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation=file://{tmp}/lo",
                "--convert-to",
                fmt,
                "--outdir",
                str(Path(tmp) / "out"),
                str(xlsx),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "TZ": UNIT_TZ},
        )
        shutil.move(Path(tmp) / "out" / f"{xlsx.stem}.{fmt}", target)


def main() -> None:
    campaign = load_campaign()
    specs = campaign.load_specs()
    if INBOX.exists():
        shutil.rmtree(INBOX)
    INBOX.mkdir(parents=True)
    d = date(2025, 12, 12)

    def save(name: str, wb: Workbook, saved: datetime) -> Path:
        """Saved as Excel saves: the document properties say when."""
        return save_saved_at(wb, INBOX / name, saved)

    # HCTC — clean, per-unit template, all three criteria.
    save(
        "HCTC_dang-ky-DHTT-2025.xlsx",
        build(
            campaign,
            specs,
            "HCTC",
            info(
                "Phòng Hành chính - Tổ chức",
                "Nguyễn Thị Thu Hà",
                "0232 3822 101",
                "thuha.hctc@quangbinh.gov.vn",
                date(2025, 12, 8),
                "Trần Quang Vinh",
            ),
            {
                "a_HCM": [
                    person(
                        "Lê Thị Mỹ Linh",
                        "Nữ",
                        1986,
                        "Phó Trưởng phòng",
                        "Phòng Hành chính - Tổ chức",
                        **hcm(
                            "Đang bồi dưỡng",
                            "Chủ động số hóa hồ sơ lưu trữ, làm việc đúng hẹn",
                            "Hoàn thành xuất sắc nhiệm vụ 3 năm liền; số hóa 12.000 hồ sơ.",
                            GK,
                            **AWARD,
                        ),
                    ),
                    collective(
                        "Tổ Văn thư - Lưu trữ",
                        **hcm(
                            "Đã nhân rộng",
                            "Mô hình 'Văn thư không giấy' trong tiếp nhận văn bản đến",
                            "100% văn bản đến được số hóa và chuyển xử lý trong ngày.",
                            BK,
                        ),
                    ),
                ],
                "b_CCHC": [
                    person(
                        "Hoàng Văn Đức",
                        "Nam",
                        1990,
                        "Chuyên viên",
                        "Phòng Hành chính - Tổ chức",
                        **reform(
                            "Phát hiện",
                            "Quy trình nội bộ trình ký điện tử",
                            "Cải cách thủ tục hành chính",
                            2024,
                            "Rút ngắn 40% thời gian trình ký văn bản nội bộ.",
                            "Đề xuất và vận hành quy trình trình ký điện tử.",
                            BD,
                        ),
                    )
                ],
                "c_CDS": [],
            },
        ),
        at(8, 10, 15),
    )

    # TH — a forwarded template: Phòng Kinh tế's own template, passed on to Phòng Tổng hợp,
    # which chose itself on the information sheet and sent it from its own address.
    forwarded = save(
        "Phong Tong hop - DHTT 2025.xlsx",
        build(
            campaign,
            specs,
            "KT",
            info(
                "Phòng Tổng hợp",
                "Phạm Minh Tuấn",
                "0912 345 678",
                "tuan.pm@quangbinh.gov.vn",
                date(2025, 12, 5),
                "Võ Thị Hồng Nhung",
            ),
            {
                "a_HCM": [
                    person(
                        "Đặng Thị Ánh",
                        "Nữ",
                        1988,
                        "Chuyên viên chính",
                        "Phòng Tổng hợp",
                        **hcm(
                            "Đăng ký xây dựng",
                            "Tổng hợp báo cáo nhanh, chính xác, đúng hạn",
                            "Chủ trì tổng hợp 24 báo cáo định kỳ đúng hạn.",
                            GK,
                        ),
                    )
                ],
                "b_CCHC": [],
                "c_CDS": [
                    person(
                        "Nguyễn Văn Hùng",
                        "Nam",
                        1985,
                        "Phó Trưởng phòng",
                        "Phòng Tổng hợp",
                        **digital(
                            "Đang bồi dưỡng",
                            "Bảng theo dõi chỉ đạo điều hành trực tuyến",
                            "Quản lý, điều hành",
                            2023,
                            "Giảm 50% thời gian tổng hợp tình hình thực hiện nhiệm vụ.",
                            "Xây dựng công cụ theo dõi nhiệm vụ dùng chung.",
                            UP,
                            duong_dan="https://example.gov.vn/theo-doi",
                        ),
                    )
                ],
            },
        ),
        at(5, 16, 40),
    )
    sidecar(
        forwarded,
        "Phạm Minh Tuấn <tonghop.vpubnd@quangbinh.gov.vn>",
        "2025-12-05T16:52:00+07:00",
        "Phòng Tổng hợp gửi đăng ký điển hình tiên tiến",
    )

    # KT — blank required cells and a cá nhân without giới tính.
    save(
        "KT-dhtt-2025.xlsx",
        build(
            campaign,
            specs,
            "KT",
            info(
                "Phòng Kinh tế",
                "Trương Văn Lộc",
                "0232 3822 303",
                "loc.tv@quangbinh.gov.vn",
                d,
                "Hồ Sỹ Thành",
            ),
            {
                "a_HCM": [
                    person(
                        "Bùi Thị Thanh Tâm",
                        "Nữ",
                        1983,
                        "Chuyên viên",
                        "Phòng Kinh tế",
                        **hcm(
                            "Phát hiện",
                            "Tham mưu chính sách hỗ trợ doanh nghiệp nhỏ",
                            "Tham mưu 5 đề án hỗ trợ doanh nghiệp.",
                            GK,
                        ),
                    ),
                    person(
                        "Lý Văn Quang",
                        None,
                        1979,
                        "Trưởng phòng",
                        "Phòng Kinh tế",
                        **hcm(
                            "Đang bồi dưỡng",
                            "Đổi mới cách tổ chức họp giao ban điện tử",
                            "Chỉ đạo phòng hoàn thành xuất sắc nhiệm vụ.",
                            GK,
                        ),
                    ),
                ],
                "b_CCHC": [
                    person(
                        "Phan Thị Hạnh",
                        "Nữ",
                        1992,
                        "Chuyên viên",
                        "Phòng Kinh tế",
                        **reform(
                            "Phát hiện",
                            "Một cửa thẩm định dự án đầu tư",
                            "Cải cách thủ tục hành chính",
                            2024,
                            "",
                            "",
                            BD,
                        ),
                    )
                ],
                "c_CDS": [],
            },
        ),
        at(12, 9, 30),
    )

    # KGVX — year typed as words, a choice typed freely, a date typed as text.
    save(
        "KGVX_Bieu mau DHTT.xlsx",
        build(
            campaign,
            specs,
            "KGVX",
            info(
                "Phòng Khoa giáo - Văn xã",
                "Đinh Thị Mai",
                "0232 3822 404",
                "mai.dt@quangbinh.gov.vn",
                d,
                "Lê Văn Sơn",
            ),
            {
                "a_HCM": [
                    person(
                        "Mai Văn Thắng",
                        "Nam",
                        "một chín tám bảy",
                        "Chuyên viên",
                        "Phòng Khoa giáo - Văn xã",
                        **hcm(
                            "Đang bồi dưỡng",
                            "Tham mưu chương trình chuyển đổi số giáo dục",
                            "Tham mưu 3 chương trình lớn về giáo dục, y tế.",
                            "khen thưởng",
                            danh_hieu="Lao động tiên tiến",
                            so_quyet_dinh="45/QĐ-VPUBND",
                            ngay_quyet_dinh="20/12/2024",
                        ),
                    )
                ],
                "b_CCHC": [],
                "c_CDS": [],
            },
        ),
        at(12, 9, 0),
    )

    # KGVX — the same afternoon, the corrected version in a fresh generic template (the
    # unit chosen on the information sheet): same Ngày lập, no e-mail record; the workbooks'
    # own saved times (09:00 and 15:00) tell which is newer.
    save(
        "KGVX - ban sua.xlsx",
        build(
            campaign,
            specs,
            None,
            info(
                "Phòng Khoa giáo - Văn xã",
                "Đinh Thị Mai",
                "0232 3822 404",
                "mai.dt@quangbinh.gov.vn",
                d,
                "Lê Văn Sơn",
            ),
            {
                "a_HCM": [
                    person(
                        "Mai Văn Thắng",
                        "Nam",
                        1987,
                        "Chuyên viên",
                        "Phòng Khoa giáo - Văn xã",
                        **hcm(
                            "Đang bồi dưỡng",
                            "Tham mưu chương trình chuyển đổi số giáo dục",
                            "Tham mưu 3 chương trình lớn về giáo dục, y tế.",
                            GK,
                            danh_hieu="Lao động tiên tiến",
                            so_quyet_dinh="45/QĐ-VPUBND",
                            ngay_quyet_dinh=date(2024, 12, 20),
                        ),
                    )
                ],
                "b_CCHC": [],
                "c_CDS": [],
            },
        ),
        at(12, 15, 0),
    )

    # NC — NFD text, a TCVN3-encoded name, rows inserted above the header: warnings only.
    save(
        "NC_2025.xlsx",
        build(
            campaign,
            specs,
            "NC",
            info(
                "Phòng Nội chính",
                "Cao Thị Yến",
                "0232 3822 505",
                "yen.ct@quangbinh.gov.vn",
                d,
                "Nguyễn Hữu Phước",
            ),
            {
                "a_HCM": [
                    person(
                        unicodedata.normalize("NFD", "Trịnh Thị Hương"),
                        "Nữ",
                        1987,
                        "Chuyên viên",
                        "Phòng Nội chính",
                        **hcm(
                            "Đăng ký xây dựng",
                            "Tiếp nhận, xử lý đơn thư đúng hạn 100%",
                            "Không để tồn đọng đơn thư trong năm.",
                            BD,
                        ),
                    ),
                    person(
                        "NguyÔn V¨n Toµn",
                        "Nam",
                        1981,
                        "Phó Trưởng phòng",
                        "Phòng Nội chính",
                        **hcm(
                            "Đang bồi dưỡng",
                            "Phối hợp liên ngành giải quyết vụ việc phức tạp",
                            "Tham mưu giải quyết dứt điểm 12 vụ việc tồn đọng.",
                            GK,
                        ),
                    ),
                ],
                "b_CCHC": [],
                "c_CDS": [],
            },
            edit=insert_rows_above_header,
        ),
        at(12, 11, 20),
    )

    # KSTT — clean, sent as .xls (Excel 97-2003).
    convert(
        build(
            campaign,
            specs,
            "KSTT",
            info(
                "Phòng Kiểm soát thủ tục hành chính",
                "Lê Văn Tài",
                "0232 3822 606",
                "tai.lv@quangbinh.gov.vn",
                date(2025, 12, 9),
                "Dương Thị Kim Oanh",
            ),
            {
                "b_CCHC": [
                    collective(
                        "Phòng Kiểm soát thủ tục hành chính",
                        **reform(
                            "Đã nhân rộng",
                            "Rà soát, đơn giản hóa 120 thủ tục hành chính",
                            "Cải cách thủ tục hành chính",
                            2022,
                            "Cắt giảm 25% thời gian giải quyết; 96% người dân hài lòng.",
                            "Chủ trì rà soát thủ tục hành chính toàn tỉnh.",
                            BK,
                        ),
                    )
                ],
            },
        ),
        at(9, 15, 0),
        "xls",
        INBOX / "KSTT_DHTT_2025.xls",
    )

    # QTTV — sent as .ods (LibreOffice); a choice typed by hand: its feedback copy is an .ods.
    convert(
        build(
            campaign,
            specs,
            "QTTV",
            info(
                "Phòng Quản trị - Tài vụ",
                "Hồ Thị Lan",
                "0232 3822 707",
                "lan.ht@quangbinh.gov.vn",
                date(2025, 12, 11),
                "Phan Văn Hải",
            ),
            {
                "a_HCM": [
                    person(
                        "Võ Văn Nam",
                        "Nam",
                        1980,
                        "Kế toán trưởng",
                        "Phòng Quản trị - Tài vụ",
                        **hcm(
                            "Phát hiện",
                            "Thực hành tiết kiệm, chống lãng phí",
                            "Tiết kiệm 8% chi thường xuyên năm 2025.",
                            "biểu dương",  # typed by hand, not picked from the list
                        ),
                    )
                ],
            },
        ),
        at(11, 10, 0),
        "ods",
        INBOX / "QTTV-dang-ky.ods",
    )

    # TCD — a first version with errors, then a corrected second version (newest wins).
    first = save(
        "TCD_lan1.xlsx",
        build(
            campaign,
            specs,
            "TCD",
            info(
                "Ban Tiếp công dân tỉnh",
                "Trần Thị Thủy",
                "0232 3822 808",
                "thuy.tt@quangbinh.gov.vn",
                date(2025, 12, 14),
                "Lê Minh Khoa",
            ),
            {
                "a_HCM": [
                    collective(
                        "Ban Tiếp công dân tỉnh",
                        gioi_tinh="Nữ",
                        **hcm(
                            "Đang bồi dưỡng",
                            "Tiếp công dân thân thiện, lắng nghe",
                            "Tiếp 1.250 lượt công dân, không để phát sinh điểm nóng.",
                            GK,
                        ),
                    )
                ],
            },
        ),
        at(15, 9, 0),
    )
    sidecar(
        first,
        "Trần Thị Thủy <btcd.vpubnd@quangbinh.gov.vn>",
        "2025-12-15T09:12:00+07:00",
        "Đăng ký điển hình tiên tiến năm 2025",
    )
    second = save(
        "TCD_lan2_da-sua.xlsx",
        build(
            campaign,
            specs,
            "TCD",
            info(
                "Ban Tiếp công dân tỉnh",
                "Trần Thị Thủy",
                "0232 3822 808",
                "thuy.tt@quangbinh.gov.vn",
                date(2025, 12, 18),
                "Lê Minh Khoa",
            ),
            {
                "a_HCM": [
                    collective(
                        "Ban Tiếp công dân tỉnh",
                        **hcm(
                            "Đang bồi dưỡng",
                            "Tiếp công dân thân thiện, lắng nghe",
                            "Tiếp 1.250 lượt công dân, không để phát sinh điểm nóng.",
                            GK,
                        ),
                    )
                ],
            },
        ),
        at(18, 14, 20),
    )
    sidecar(
        second,
        "Trần Thị Thủy <btcd.vpubnd@quangbinh.gov.vn>",
        "2025-12-18T14:30:00+07:00",
        "Re: Đăng ký điển hình tiên tiến năm 2025 (đã sửa)",
    )

    # PVHCC — clean but sent after the deadline; also registers a person HCTC registered.
    late = save(
        "PVHCC.xlsx",
        build(
            campaign,
            specs,
            "PVHCC",
            info(
                "Trung tâm Phục vụ hành chính công",
                "Ngô Thị Diệu",
                "0232 3822 909",
                "dieu.nt@quangbinh.gov.vn",
                date(2025, 12, 21),
                "Trần Văn Lực",
            ),
            {
                "b_CCHC": [
                    person(
                        "Hoàng Văn Đức",
                        "Nam",
                        1990,
                        "Chuyên viên",
                        "Trung tâm Phục vụ hành chính công",
                        **reform(
                            "Đang bồi dưỡng",
                            "Trả kết quả tại nhà qua bưu chính công ích",
                            "Cải cách thủ tục hành chính",
                            2023,
                            "98% người dân hài lòng với dịch vụ trả kết quả tại nhà.",
                            "Triển khai dịch vụ trả kết quả tại nhà.",
                            GK,
                        ),
                    )
                ],
                "c_CDS": [
                    collective(
                        "Trung tâm Phục vụ hành chính công",
                        **digital(
                            "Đã nhân rộng",
                            "Kiosk tra cứu hồ sơ tự động",
                            "Chính quyền số",
                            2022,
                            "Giảm 60% lượt hỏi trực tiếp tại quầy.",
                            "Triển khai kiosk tra cứu tại 8 huyện, thị xã.",
                            UP,
                        ),
                    )
                ],
            },
        ),
        at(21, 16, 0),
    )
    sidecar(
        late,
        "Trung tâm PVHCC <pvhcc.vpubnd@quangbinh.gov.vn>",
        "2025-12-22T08:05:00+07:00",
        "Gửi biểu mẫu đăng ký điển hình tiên tiến",
    )

    # A scanned cover letter that came with an e-mail: not a spreadsheet.
    (INBOX / "cong-van-kem-theo.pdf").write_bytes(
        b"%PDF-1.4\n% Cong van kem theo (ban quet)\n1 0 obj << /Type /Catalog >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    # THCB sent nothing.
    print(f"Wrote {len(list(INBOX.iterdir()))} files to {INBOX}")


if __name__ == "__main__":
    main()

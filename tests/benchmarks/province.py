"""A synthetic province for the benchmark: N units, one filled workbook each, deterministic.

Workbooks are made with the project's own template writer and filler, about one in ten with a
few mistakes, so feedback copies are part of the work measured. Each says (in its document
properties, as Excel writes them) that it was saved on 10 December of the year, one in
twenty-five after the deadline, so only a few units are late, as in a real round.
"""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dhtt_batch.campaign import Campaign, default_campaign_path, load_campaign
from dhtt_batch.template import build_template
from dhtt_batch.testing import fill_template, save_saved_at

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Quang", "Ngọc", "Đức", "Thu", "Xuân"]
MIDDLE2 = [
    "Anh",
    "Bảo",
    "Công",
    "Diệu",
    "Gia",
    "Hoài",
    "Khánh",
    "Mỹ",
    "Nhật",
    "Phương",
    "Thái",
    "Trọng",
    "Tường",
    "Việt",
    "Hồng",
    "Kim",
    "Lệ",
    "Thùy",
    "Phước",
    "Đình",
    "Tiến",
    "Hoàng",
    "Quốc",
    "Bích",
    "Cẩm",
    "Ánh",
    "Trung",
    "Duy",
    "Vĩnh",
    "Nguyên",
]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Hương",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vân",
    "Yến",
    "Châu",
    "Chi",
    "Đạt",
    "Định",
    "Đông",
    "Hiền",
    "Hiếu",
    "Hòa",
    "Huệ",
    "Huy",
    "Khang",
    "Khôi",
    "Lâm",
    "Lộc",
    "Loan",
    "Luân",
    "Ly",
    "Minh",
    "Nhàn",
    "Nhung",
    "Oanh",
    "Phong",
    "Phượng",
    "Quyên",
    "Quỳnh",
    "Tài",
    "Thắng",
    "Thịnh",
    "Thủy",
    "Tiên",
    "Trâm",
    "Trí",
    "Tú",
    "Uyên",
    "Vinh",
    "Vy",
    "Xuân",
    "Ý",
]
ACHIEVEMENTS = [
    "Hoàn thành xuất sắc nhiệm vụ được giao, có sáng kiến cải tiến quy trình xử lý hồ sơ.",
    "Chủ trì số hóa hồ sơ lưu trữ, rút ngắn thời gian tra cứu tài liệu cho cơ quan.",
    "Tích cực tham gia phong trào thi đua, được đồng nghiệp tín nhiệm và noi theo.",
    "Đề xuất giải pháp tiết kiệm chi thường xuyên, phòng chống lãng phí hiệu quả.",
]


def province_campaign(units: int, directory: Path, year: int = 2025) -> Path:
    text = default_campaign_path().read_text(encoding="utf-8")
    head = text[: text.index("\n[[units]]") + 1]  # the first table, not a comment naming it
    head = (
        head.replace("year = 2025", f"year = {year}")
        .replace("deadline = 2025-", f"deadline = {year}-")
        .replace('coordinator = "HCTC"', 'coordinator = "U0001"')  # a code of the roster below
    )
    roster = "".join(
        f'[[units]]\ncode = "U{n:04d}"\nname = "Đơn vị số {n:04d}"\n'
        f'email = "u{n:04d}@example.gov.vn"\n\n'
        for n in range(1, units + 1)
    )
    path = directory / "campaign.toml"
    path.write_text(head + roster, encoding="utf-8")
    return path


def _record(
    rng: random.Random, sheet: str, number: int, unit: str, who: tuple[str, int] | None = None
) -> dict[str, Any]:
    person = who is not None or rng.random() < 0.8
    # Names varied enough that only a handful of "likely duplicates" arise by chance, as in a
    # real province; one workbook in ten carries real mistakes.
    name = (
        f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(MIDDLE2)} {rng.choice(GIVEN)}"
        if person
        else f"Tổ công tác số {number} - {unit}"
    )
    born = rng.randint(1965, 2000) if person else None
    if who is not None:
        name, born = who
    row: dict[str, Any] = {
        "stt": number,
        "doi_tuong": "Cá nhân" if person else "Tập thể",
        "ho_ten": name,
        "gioi_tinh": rng.choice(["Nam", "Nữ"]) if person else None,
        "nam_sinh": born,
        "chuc_vu": "Chuyên viên" if person else None,
        "don_vi_cong_tac": unit,
        "giai_doan": rng.choice(["Phát hiện", "Đăng ký xây dựng", "Đang bồi dưỡng"]),
        "tom_tat_thanh_tich": rng.choice(ACHIEVEMENTS),
        "hinh_thuc_de_nghi": rng.choice(["Biểu dương", "Giấy khen của Chánh Văn phòng"]),
    }
    extra: dict[str, dict[str, Any]] = {
        "a_HCM": {
            "noi_dung_dot_pha": "Đổi mới cách làm trong xử lý công việc hằng ngày",
            "muc_do_hoan_thanh": "Hoàn thành tốt nhiệm vụ",
        },
        "b_CCHC": {
            "ten_mo_hinh": "Tiếp nhận hồ sơ trực tuyến",
            "linh_vuc_cai_cach": "Cải cách thủ tục hành chính",
            "nam_ap_dung": 2020,
            "hieu_qua_hai_long": "Rút ngắn thời gian giải quyết, người dân hài lòng.",
        },
        "c_CDS": {
            "ten_san_pham": "Phần mềm quản lý văn bản",
            "phuc_vu": "Chính quyền số",
            "nam_su_dung": 2020,
            "hieu_qua_nang_suat": "Giảm một nửa thời gian tổng hợp báo cáo định kỳ.",
        },
    }
    row.update(extra[sheet])
    return row


RECURRING = 8  # with recurring=True, each unit's exemplars registered year after year


def _recurring(n: int) -> list[tuple[str, int]]:
    rng = random.Random(f"recurring-{n}")
    return [
        (f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(MIDDLE2)} {rng.choice(GIVEN)}",
         rng.randint(1965, 2000))
        for _ in range(RECURRING)
    ]  # fmt: skip


def _write_unit(args: tuple[Path, Path, int, int, bool]) -> None:
    campaign_path, inbox, n, year, recurring = args
    campaign = load_campaign(campaign_path)
    specs = campaign.load_specs()
    unit = campaign.units[n]
    rng = random.Random(n if year == 2025 else f"{n}-{year}")
    rows = {}
    for sheet in ("a_HCM", "b_CCHC", "c_CDS"):
        count = rng.randint(30, 50)
        # Recurring exemplars: the first rows of each sheet, a few of the unit's regulars.
        regulars = rng.sample(_recurring(n), count // 10) if recurring else []
        rows[sheet] = [
            _record(rng, sheet, i + 1, unit.name, regulars[i] if i < len(regulars) else None)
            for i in range(count)
        ]
    if n % 10 == 3:  # about one workbook in ten carries a few mistakes
        rows["a_HCM"][2]["gioi_tinh"] = None
        rows["b_CCHC"][5]["nam_ap_dung"] = "hai không hai ba"
        rows["c_CDS"][7]["phuc_vu"] = "số hóa"
    info = {
        "don_vi": unit.name,
        "nguoi_lap": "Người Lập Biểu",
        "dien_thoai": "0232 3822 123",
        "ngay_lap": date(year, 12, 10),
        "thu_truong": "Thủ Trưởng Đơn Vị",
    }
    wb = build_template(campaign, specs, unit, today=date(year, 11, 20))
    fill_template(wb, specs, info, rows)
    # Saved when a unit would have: openpyxl's own `save` stamps the moment of generation,
    # which merge would take for the receipt time (every unit late after the deadline).
    day = 21 if n % 25 == 11 else 10
    saved = datetime(year, 12, day, 8 + n % 9, n % 60, tzinfo=campaign.period.tz)
    save_saved_at(wb, inbox / f"{unit.code}.xlsx", saved)


def make_province(
    units: int, directory: Path, year: int = 2025, recurring: bool = False
) -> tuple[Campaign, Path]:
    """N units' filled workbooks for `year`; with `recurring`, about a tenth of each unit's rows
    are people it registers again every year (for the register's benchmark)."""
    directory.mkdir(parents=True, exist_ok=True)
    campaign_path = province_campaign(units, directory, year)
    inbox = directory / "inbox"
    inbox.mkdir(exist_ok=True)
    jobs = [(campaign_path, inbox, n, year, recurring) for n in range(units)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_write_unit, jobs))
    return load_campaign(campaign_path), inbox

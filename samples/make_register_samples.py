"""Build samples/register/: the seed office's consolidated workbooks of 2021 to 2025.

Deterministic content; run from the repository root after make_samples.py:

    python samples/make_register_samples.py

Each year 2021-2024 is made as the office would have made it: every unit's rows typed into
the template dhtt-batch generates for that year, then `merge` (the library functions the
command runs) writes the consolidated workbook. 2025 is the merge of samples/inbox. The people
recur across the years on purpose (see samples/README.md): some every year, some with gaps,
one with a typo in one year, one who moved unit, a unit renamed in 2023 (Phòng Kiểm soát TTHC,
code KSTTHC, became Phòng Kiểm soát thủ tục hành chính, code KSTT), and one unit (THCB) that
never registered. `tong-ket.toml` is the campaign of the final review (tổng kết) that reports
from the register.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from make_samples import BD, BK, GK, UP, collective, digital, hcm, info, person, reform

from dhtt_batch.campaign import Campaign, Unit, default_campaign_path, load_campaign
from dhtt_batch.formats.consolidated import write_consolidated
from dhtt_batch.merge import merge_inbox
from dhtt_batch.spec import SpecSet
from dhtt_batch.template import build_template
from dhtt_batch.testing import fill_template

HERE = Path(__file__).resolve().parent
TARGET = HERE / "register"
INBOX_2025 = HERE / "inbox"
NONE = "Chưa đề nghị"
IN_UNIT, AGENCY, PROVINCE = (
    "Trong phòng, ban, trung tâm",
    "Toàn cơ quan",
    "Ngoài cơ quan, trong tỉnh",
)
CSTDCS = "Chiến sĩ thi đua cơ sở"
LDTT = "Lao động tiên tiến"
TTLDXS = "Tập thể lao động xuất sắc"
BK_TINH = "Bằng khen cấp bộ, ban, ngành, tỉnh, đoàn thể trung ương"
LATE = {2021: "TCD", 2022: "KGVX", 2023: "NC", 2024: "PVHCC"}
OLD_KSTT = Unit("KSTTHC", "Phòng Kiểm soát TTHC", "ksttcc.vpubnd@quangbinh.gov.vn")
CLERKS = {
    "HCTC": ("Nguyễn Thị Thu Hà", "Trần Quang Vinh"),
    "TH": ("Phạm Minh Tuấn", "Võ Thị Hồng Nhung"),
    "KT": ("Trương Văn Lộc", "Hồ Sỹ Thành"),
    "KGVX": ("Đinh Thị Mai", "Lê Văn Sơn"),
    "NC": ("Cao Thị Yến", "Nguyễn Hữu Phước"),
    "KSTTHC": ("Lê Văn Tài", "Dương Thị Kim Oanh"),
    "KSTT": ("Lê Văn Tài", "Dương Thị Kim Oanh"),
    "QTTV": ("Hồ Thị Lan", "Phan Văn Hải"),
    "TCD": ("Trần Thị Thủy", "Lê Minh Khoa"),
    "PVHCC": ("Ngô Thị Diệu", "Trần Văn Lực"),
}


def award(title: str, number: str, day: date) -> dict[str, Any]:
    return {"danh_hieu": title, "so_quyet_dinh": number, "ngay_quyet_dinh": day}


def linh(year: int) -> dict[str, Any]:
    """Lê Thị Mỹ Linh (HCTC, 1986): every year; titles gained in 2022 and 2023."""
    titles = {
        2022: award(LDTT, "15/QĐ-VPUBND", date(2022, 1, 10)),
        2023: award(CSTDCS, "98/QĐ-VPUBND", date(2022, 12, 28)),
        2024: award(CSTDCS, "98/QĐ-VPUBND", date(2022, 12, 28)),
    }
    return person(
        "Lê Thị Mỹ Linh",
        "Nữ",
        1986,
        "Chuyên viên" if year < 2023 else "Phó Trưởng phòng",
        "Phòng Hành chính - Tổ chức",
        **hcm(
            "Đăng ký xây dựng" if year < 2023 else "Đang bồi dưỡng",
            "Chủ động số hóa hồ sơ lưu trữ, làm việc đúng hẹn",
            f"Hoàn thành xuất sắc nhiệm vụ năm {year}; số hóa hồ sơ lưu trữ của phòng.",
            NONE if year < 2023 else GK,
            pham_vi_lan_toa=IN_UNIT if year < 2023 else AGENCY,
            **titles.get(year, {}),
        ),
    )


def van_thu(year: int) -> dict[str, Any]:
    """Tổ Văn thư - Lưu trữ (HCTC): every year, spreading from the unit to the whole office."""
    return collective(
        "Tổ Văn thư - Lưu trữ",
        **hcm(
            "Đăng ký xây dựng" if year < 2023 else "Đã nhân rộng",
            "Mô hình 'Văn thư không giấy' trong tiếp nhận văn bản đến",
            "Văn bản đến được số hóa và chuyển xử lý trong ngày.",
            BD if year < 2024 else BK,
            pham_vi_lan_toa=IN_UNIT if year < 2023 else AGENCY,
            **(award(TTLDXS, "105/QĐ-VPUBND", date(2023, 12, 25)) if year == 2024 else {}),
        ),
    )


def duc(year: int, unit: str) -> dict[str, Any]:
    """Hoàng Văn Đức (1990): HCTC 2021-2023, moved to PVHCC in 2024."""
    return person(
        "Hoàng Văn Đức",
        "Nam",
        1990,
        "Chuyên viên",
        unit,
        **reform(
            "Phát hiện",
            "Quy trình nội bộ trình ký điện tử",
            "Cải cách thủ tục hành chính",
            2021,
            "Rút ngắn 40% thời gian trình ký văn bản nội bộ.",
            "Đề xuất và vận hành quy trình trình ký điện tử.",
            BD,
        ),
    )


def hung(year: int, criterion: str) -> dict[str, Any]:
    """Nguyễn Văn Hùng (TH, 1985): criterion c every year, and b in 2022; two titles."""
    titles = {
        2023: award(CSTDCS, "101/QĐ-VPUBND", date(2022, 12, 28)),
        2024: award(BK_TINH, "2456/QĐ-UBND", date(2024, 5, 15)),
    }
    extra = titles.get(year, {})
    if criterion == "b":
        return person(
            "Nguyễn Văn Hùng",
            "Nam",
            1985,
            "Chuyên viên chính",
            "Phòng Tổng hợp",
            **reform(
                "Phát hiện",
                "Báo cáo định kỳ không giấy",
                "Cải cách thủ tục hành chính",
                2022,
                "Rút ngắn một nửa thời gian tổng hợp báo cáo định kỳ.",
                "Đề xuất quy trình báo cáo định kỳ điện tử.",
                NONE,
            ),
        )
    return person(
        "Nguyễn Văn Hùng",
        "Nam",
        1985,
        "Chuyên viên chính" if year < 2023 else "Phó Trưởng phòng",
        "Phòng Tổng hợp",
        **digital(
            "Đăng ký xây dựng" if year < 2023 else "Đang bồi dưỡng",
            "Bảng theo dõi chỉ đạo điều hành trực tuyến",
            "Quản lý, điều hành",
            2021,
            "Giảm 50% thời gian tổng hợp tình hình thực hiện nhiệm vụ.",
            "Xây dựng công cụ theo dõi nhiệm vụ dùng chung.",
            GK if year >= 2023 else BD,
            duong_dan="https://example.gov.vn/theo-doi",
            **extra,
        ),
    )


def anh(year: int) -> dict[str, Any]:
    """Đặng Thị Ánh (TH, 1988): 2023-2025; typed "Đặng Thị Anh" (no tone mark) in 2022."""
    return person(
        "Đặng Thị Anh" if year == 2022 else "Đặng Thị Ánh",
        "Nữ",
        1988,
        "Chuyên viên",
        "Phòng Tổng hợp",
        **hcm(
            "Phát hiện" if year == 2022 else "Đăng ký xây dựng",
            "Tổng hợp báo cáo nhanh, chính xác, đúng hạn",
            "Chủ trì tổng hợp các báo cáo định kỳ đúng hạn.",
            BD,
            pham_vi_lan_toa=IN_UNIT,
        ),
    )


def huong(year: int) -> dict[str, Any]:
    """Trịnh Thị Hương (NC, 1987): 2021, 2023 (and 2025): registered with gaps."""
    return person(
        "Trịnh Thị Hương",
        "Nữ",
        1987,
        "Chuyên viên",
        "Phòng Nội chính",
        **hcm(
            "Đăng ký xây dựng",
            "Tiếp nhận, xử lý đơn thư đúng hạn 100%",
            "Không để tồn đọng đơn thư trong năm.",
            BD,
            pham_vi_lan_toa=IN_UNIT if year < 2023 else AGENCY,
        ),
    )


def quang(year: int) -> dict[str, Any]:
    """Lý Văn Quang (KT, 1979): 2021-2023."""
    return person(
        "Lý Văn Quang",
        "Nam",
        1979,
        "Trưởng phòng",
        "Phòng Kinh tế",
        **hcm(
            "Đang bồi dưỡng",
            "Đổi mới cách tổ chức họp giao ban điện tử",
            "Chỉ đạo phòng hoàn thành xuất sắc nhiệm vụ.",
            GK,
            pham_vi_lan_toa=AGENCY,
            **award(LDTT, "12/QĐ-VPUBND", date(2021, 1, 8)),
        ),
    )


def tam(year: int) -> dict[str, Any]:
    """Bùi Thị Thanh Tâm (KT, 1983): 2024 (and 2025)."""
    return person(
        "Bùi Thị Thanh Tâm",
        "Nữ",
        1983,
        "Chuyên viên",
        "Phòng Kinh tế",
        **hcm(
            "Phát hiện",
            "Tham mưu chính sách hỗ trợ doanh nghiệp nhỏ",
            "Tham mưu các đề án hỗ trợ doanh nghiệp.",
            BD,
        ),
    )


def hanh(year: int) -> dict[str, Any]:
    """Phan Thị Hạnh (KT, 1992): 2023."""
    return person(
        "Phan Thị Hạnh",
        "Nữ",
        1992,
        "Chuyên viên",
        "Phòng Kinh tế",
        **reform(
            "Phát hiện",
            "Một cửa thẩm định dự án đầu tư",
            "Cải cách thủ tục hành chính",
            2023,
            "Rút ngắn 30% thời gian thẩm định dự án đầu tư.",
            "Đề xuất quy trình một cửa thẩm định dự án.",
            BD,
        ),
    )


def thang(year: int) -> dict[str, Any]:
    """Mai Văn Thắng (KGVX, 1987): 2022-2024."""
    return person(
        "Mai Văn Thắng",
        "Nam",
        1987,
        "Chuyên viên",
        "Phòng Khoa giáo - Văn xã",
        **hcm(
            "Đang bồi dưỡng",
            "Tham mưu chương trình chuyển đổi số giáo dục",
            "Tham mưu các chương trình lớn về giáo dục, y tế.",
            GK if year == 2024 else BD,
            pham_vi_lan_toa=PROVINCE if year == 2024 else AGENCY,
            **(award(LDTT, "20/QĐ-VPUBND", date(2023, 1, 12)) if year >= 2023 else {}),
        ),
    )


def nam(year: int) -> dict[str, Any]:
    """Võ Văn Nam (QTTV, 1980): 2022 (and 2025)."""
    return person(
        "Võ Văn Nam",
        "Nam",
        1980,
        "Kế toán trưởng",
        "Phòng Quản trị - Tài vụ",
        **hcm(
            "Phát hiện",
            "Thực hành tiết kiệm, chống lãng phí",
            "Tiết kiệm chi thường xuyên của cơ quan.",
            BD,
        ),
    )


def toan(year: int) -> dict[str, Any]:
    """Nguyễn Văn Toàn (NC, 1981): 2024 (and 2025)."""
    return person(
        "Nguyễn Văn Toàn",
        "Nam",
        1981,
        "Phó Trưởng phòng",
        "Phòng Nội chính",
        **hcm(
            "Đang bồi dưỡng",
            "Phối hợp liên ngành giải quyết vụ việc phức tạp",
            "Tham mưu giải quyết dứt điểm các vụ việc tồn đọng.",
            GK,
        ),
    )


def khanh(year: int, unit: str) -> dict[str, Any]:
    """Phạm Văn Khánh (1984): KSTTHC in 2021-2022, the same unit renamed KSTT from 2023."""
    return person(
        "Phạm Văn Khánh",
        "Nam",
        1984,
        "Chuyên viên",
        unit,
        **reform(
            "Đăng ký xây dựng",
            "Rà soát, đơn giản hóa thủ tục hành chính",
            "Cải cách thủ tục hành chính",
            2021,
            "Cắt giảm 20% thời gian giải quyết thủ tục được rà soát.",
            "Chủ trì rà soát thủ tục hành chính của các sở, ngành.",
            BD,
        ),
    )


def kstt(year: int, name: str) -> dict[str, Any]:
    """The control-of-procedures office itself, under its old and new names."""
    return collective(
        name,
        **reform(
            "Đã nhân rộng" if year >= 2023 else "Đăng ký xây dựng",
            "Rà soát, đơn giản hóa thủ tục hành chính",
            "Cải cách thủ tục hành chính",
            2021,
            "Cắt giảm 25% thời gian giải quyết; 96% người dân hài lòng.",
            "Chủ trì rà soát thủ tục hành chính toàn tỉnh.",
            BK if year >= 2023 else BD,
        ),
    )


def tcd(year: int) -> dict[str, Any]:
    """Ban Tiếp công dân tỉnh (TCD): every year, spreading step by step."""
    spread = {2021: IN_UNIT, 2022: AGENCY, 2023: AGENCY, 2024: PROVINCE}[year]
    return collective(
        "Ban Tiếp công dân tỉnh",
        **hcm(
            "Đang bồi dưỡng",
            "Tiếp công dân thân thiện, lắng nghe",
            "Tiếp công dân chu đáo, không để phát sinh điểm nóng.",
            GK,
            pham_vi_lan_toa=spread,
            **(award(TTLDXS, "2789/QĐ-UBND", date(2022, 12, 30)) if year >= 2023 else {}),
        ),
    )


def pvhcc(year: int) -> dict[str, Any]:
    """Trung tâm Phục vụ hành chính công (PVHCC): criterion c from 2022."""
    return collective(
        "Trung tâm Phục vụ hành chính công",
        **digital(
            "Đã nhân rộng" if year >= 2023 else "Đăng ký xây dựng",
            "Kiosk tra cứu hồ sơ tự động",
            "Chính quyền số",
            2022,
            "Giảm 60% lượt hỏi trực tiếp tại quầy.",
            "Triển khai kiosk tra cứu hồ sơ.",
            UP if year >= 2024 else BD,
        ),
    )


def registrations(year: int) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """unit code → criterion sheet → rows, for one year (2021-2024)."""
    units: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def add(code: str, sheet: str, row: dict[str, Any]) -> None:
        units.setdefault(code, {}).setdefault(sheet, []).append(row)

    add("HCTC", "a_HCM", linh(year))
    add("HCTC", "a_HCM", van_thu(year))
    add("TH", "c_CDS", hung(year, "c"))
    if year == 2022:
        add("TH", "b_CCHC", hung(year, "b"))
    if year >= 2022:
        add("TH", "a_HCM", anh(year))
    add("HCTC" if year <= 2023 else "PVHCC", "b_CCHC", duc(year, _duc_unit(year)))
    if year in (2021, 2023):
        add("NC", "a_HCM", huong(year))
    if year == 2024:
        add("NC", "a_HCM", toan(year))
    if year <= 2023:
        add("KT", "a_HCM", quang(year))
    if year == 2023:
        add("KT", "b_CCHC", hanh(year))
    if year == 2024:
        add("KT", "a_HCM", tam(year))
    if year >= 2022:
        add("KGVX", "a_HCM", thang(year))
    if year == 2022:
        add("QTTV", "a_HCM", nam(year))
    kstt_code = "KSTTHC" if year <= 2022 else "KSTT"
    kstt_name = OLD_KSTT.name if year <= 2022 else "Phòng Kiểm soát thủ tục hành chính"
    add(kstt_code, "b_CCHC", khanh(year, kstt_name))
    add(kstt_code, "b_CCHC", kstt(year, kstt_name))
    add("TCD", "a_HCM", tcd(year))
    if year >= 2022:
        add("PVHCC", "c_CDS", pvhcc(year))
    return units


def _duc_unit(year: int) -> str:
    return "Phòng Hành chính - Tổ chức" if year <= 2023 else "Trung tâm Phục vụ hành chính công"


def campaign_of(base: Campaign, year: int) -> Campaign:
    """The seed campaign as it was in `year`: before 2023 the KSTT office had its old name."""
    units = base.units
    if year <= 2022:
        units = tuple(OLD_KSTT if u.code == "KSTT" else u for u in units)
    period = dataclasses.replace(base.period, year=year, deadline=datetime(year, 12, 20, 17, 0))
    return dataclasses.replace(base, period=period, units=units)


def consolidated_of(campaign: Campaign, specs: SpecSet, year: int, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp)
        for code, rows in registrations(year).items():
            unit = campaign.unit(code)
            assert unit is not None, code
            clerk, head = CLERKS[code]
            # One unit sends after the deadline each year (the information sheet's date).
            made = date(year, 12, 21) if code == LATE[year] else None
            form = info(
                unit.name,
                clerk,
                "0232 3822 100",
                unit.email,
                made or date(year, 12, 10),
                head,
            )
            wb = build_template(campaign, specs, unit, today=date(year, 11, 20))
            fill_template(wb, specs, form, rows)
            wb.save(inbox / f"{code}-{year}.xlsx")
        merge_and_write(inbox, campaign, specs, year, target)


def merge_and_write(
    inbox: Path, campaign: Campaign, specs: SpecSet, year: int, target: Path
) -> None:
    now = datetime(year, 12, 23, 9, 0, tzinfo=campaign.period.tz)
    result = merge_inbox(inbox, campaign, specs, now=now)
    write_consolidated(result, target)
    rows = sum(len(frame) for frame in result.rows.values())
    print(f"{target.name}: {rows} rows")


def main() -> None:
    base = load_campaign()
    specs = base.load_specs()
    if TARGET.exists():
        for old in TARGET.glob("tong-hop-*.xlsx"):
            old.unlink()
    TARGET.mkdir(exist_ok=True)
    for year in range(2021, 2025):
        consolidated_of(campaign_of(base, year), specs, year, TARGET / f"tong-hop-{year}.xlsx")
    with tempfile.TemporaryDirectory() as tmp:  # the 2025 inbox, without anything merge added
        inbox = Path(tmp) / "inbox"
        shutil.copytree(INBOX_2025, inbox)
        merge_and_write(inbox, base, specs, 2025, TARGET / "tong-hop-2025.xlsx")
    # The final review's campaign: the default one with [period] kind = "final".
    text = default_campaign_path().read_text(encoding="utf-8")
    (TARGET / "tong-ket.toml").write_text(
        text.replace('kind = "annual"', 'kind = "final"', 1), encoding="utf-8"
    )


if __name__ == "__main__":
    main()

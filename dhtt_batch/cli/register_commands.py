"""`dhtt-batch register …`: the exemplar register across years."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..atomic import OutputError
from ..campaign import Campaign
from ..spec import SpecSet
from .click_messages import Group
from .options import EXIT_USAGE, OutputProblem, output_option, register_errors, with_campaign


def with_register(func: Callable[..., Any]) -> Callable[..., Any]:
    """`-c` and `--db`: pass the campaign, the specs and the register's URL to the command."""

    @functools.wraps(func)
    def wrapper(campaign: Campaign, specs: SpecSet, db: str | None, **kwargs: Any) -> Any:
        from ..register.address import resolve_url

        url = resolve_url(db, campaign)
        with register_errors():
            return func(campaign=campaign, specs=specs, url=url, **kwargs)

    return click.option(
        "--db",
        help="Sổ điển hình: tệp SQLite hoặc postgresql://người-dùng@máy-chủ/tên-csdl (mặc định: "
        "[register] db trong campaign.toml, không có thì dhtt-register.sqlite).",
    )(with_campaign(wrapper))


def exemplar_id(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    text = value.strip().lstrip("#")
    if not text.isdigit():
        raise click.BadParameter(f"'{value}' không phải mã điển hình (ví dụ 12 hoặc #12).")
    return int(text)


BY_OPTION = click.option("--by", help="Người quyết định (mặc định: tên đăng nhập máy tính).")
NOTE_OPTION = click.option("--note", help="Ghi chú lý do.")
CRITERION_OPTION = click.option("--criterion", help="Chỉ một tiêu chí (a, b, c hoặc tên sheet).")
MIN_YEARS_OPTION = click.option(
    "--min-years",
    type=click.IntRange(min=0),
    default=0,
    help="Chỉ điển hình đã đăng ký ít nhất N năm.",
)


@click.group(cls=Group)
def register() -> None:
    """Sổ theo dõi điển hình tiên tiến qua các năm (SQLite, hoặc PostgreSQL dùng chung).

    Cuối mỗi năm ghi bảng tổng hợp vào sổ (add); khi sơ kết, tổng kết: xem danh sách (list),
    xét các cặp có thể là một người (review, link, unlink), xuất lịch sử (export) và lập báo
    cáo (dhtt-batch report --register).

    Ví dụ:  dhtt-batch register add ket-qua/tong-hop-2025.xlsx
    """


@register.command("add")
@with_register
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@BY_OPTION
def register_add(
    campaign: Campaign, specs: SpecSet, url: str, paths: tuple[Path, ...], by: str | None
) -> None:
    """Ghi mọi dòng hợp lệ của bảng tổng hợp vào sổ. Ghi lại cùng bảng không thay đổi gì;
    bảng mới hơn của cùng kỳ thay thế các dòng của kỳ đó.

    Mã thoát: 0 đã ghi, 2 có tệp không ghi được (tệp không phải bảng tổng hợp, cũ hơn bảng
    đã ghi) hoặc lỗi cấu hình, 3 không ghi được vào sổ.

    Ví dụ:  dhtt-batch register add ket-qua/tong-hop-2025.xlsx
    """
    from ..register.api import AddFailure, add_files
    from ..register.console import print_added, stderr_console
    from ..register.db import display_url
    from ..register.identity import who

    results = add_files(url, paths, specs, who(by), dict(campaign.register.issuers))
    print_added(results, display_url(url), stderr_console())
    if any(isinstance(r, AddFailure) for r in results):
        raise SystemExit(EXIT_USAGE)


@register.command("list")
@with_register
@click.option("--json", "as_json", is_flag=True, help="In danh sách dạng JSON ra stdout.")
@CRITERION_OPTION
@MIN_YEARS_OPTION
def register_list(
    campaign: Campaign,
    specs: SpecSet,
    url: str,
    as_json: bool,
    criterion: str | None,
    min_years: int,
) -> None:
    """Liệt kê điển hình trong sổ: các năm đăng ký, tiêu chí, danh hiệu và quyết định, phạm
    vi lan tỏa theo năm.

    Ví dụ:  dhtt-batch register list --min-years 3
    """
    if as_json:
        from ..register.listing import list_json

        click.echo(list_json(url, campaign, specs, criterion, min_years))
    else:
        from ..register.console import print_list, stderr_console
        from ..register.listing import list_register

        print_list(list_register(url, campaign, specs, criterion, min_years), stderr_console())


@register.command("review")
@with_register
@click.option("--json", "as_json", is_flag=True, help="In các cặp dạng JSON ra stdout.")
def register_review(campaign: Campaign, specs: SpecSet, url: str, as_json: bool) -> None:
    """Liệt kê các cặp điển hình có thể là một (tên gần giống, chuyển đơn vị, đơn vị đổi tên)
    để cán bộ xác nhận bằng link hoặc unlink; không gộp gì tự động.

    Ví dụ:  dhtt-batch register review
    """
    from ..register.api import review_register

    matches = review_register(url)
    if as_json:
        click.echo(json.dumps([m.as_json() for m in matches], ensure_ascii=False, indent=1))
    else:
        from ..register.console import print_review, stderr_console

        print_review(matches, stderr_console())


@register.command("link")
@with_register
@click.argument("first", callback=exemplar_id)
@click.argument("second", callback=exemplar_id)
@BY_OPTION
@NOTE_OPTION
def register_link(
    campaign: Campaign,
    specs: SpecSet,
    url: str,
    first: int,
    second: int,
    by: str | None,
    note: str | None,
) -> None:
    """Xác nhận hai mã trong sổ là cùng một điển hình (ghi người và thời điểm xác nhận).

    Ví dụ:  dhtt-batch register link 12 40 --note "Chuyển công tác năm 2024"
    """
    from ..register.api import link_exemplars
    from ..register.identity import who

    outcome = link_exemplars(url, first, second, who(by), note, dict(campaign.register.issuers))
    click.echo(outcome.message, err=True)


@register.command("unlink")
@with_register
@click.argument("first", callback=exemplar_id)
@click.argument("second", callback=exemplar_id)
@BY_OPTION
@NOTE_OPTION
def register_unlink(
    campaign: Campaign,
    specs: SpecSet,
    url: str,
    first: int,
    second: int,
    by: str | None,
    note: str | None,
) -> None:
    """Ghi hai mã là hai điển hình khác nhau (bỏ liên kết nếu có; review không đề xuất lại).

    Ví dụ:  dhtt-batch register unlink 12 40
    """
    from ..register.api import unlink_exemplars
    from ..register.identity import who

    outcome = unlink_exemplars(url, first, second, who(by), note, dict(campaign.register.issuers))
    click.echo(outcome.message, err=True)


@register.command("export")
@with_register
@output_option("Tệp .xlsx cần tạo.")
@CRITERION_OPTION
@MIN_YEARS_OPTION
def register_export(
    campaign: Campaign,
    specs: SpecSet,
    url: str,
    output: Path,
    criterion: str | None,
    min_years: int,
) -> None:
    """Xuất sổ ra bảng tính: danh sách điển hình và, cho mỗi điển hình, bảng Năm | Danh hiệu
    thi đua / hình thức khen thưởng | Số, ngày tháng năm của quyết định; cơ quan ban hành.

    Ví dụ:  dhtt-batch register export -o lich-su.xlsx
    """
    from ..register.export import export_register

    try:
        count = export_register(url, campaign, specs, output, criterion, min_years)
    except OutputError as exc:
        raise OutputProblem(str(exc)) from exc
    click.echo(f"Đã xuất {count} điển hình vào {output}", err=True)

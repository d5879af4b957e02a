from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dhtt_batch.campaign import Campaign, load_campaign
from dhtt_batch.spec import SpecSet, load_specs
from dhtt_batch.template import build_template

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    return load_campaign()


@pytest.fixture(scope="session")
def specs() -> SpecSet:
    return load_specs()


@pytest.fixture(scope="session")
def template_file(tmp_path_factory: pytest.TempPathFactory, campaign: Campaign,
                  specs: SpecSet) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.xlsx"
    build_template(campaign, specs).save(path)
    return path


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def schemas_copy(tmp_path: Path) -> Path:
    """An editable copy of the spec folder, for tests that break it on purpose."""
    target = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", target)
    return target


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")

"""Lambda archives: identical sources give identical bytes, so unchanged functions stay put."""

from __future__ import annotations

import io
import zipfile

import pytest

from infra import packaging


def test_the_same_source_gives_the_same_bytes_and_hash():
    first = packaging.archive_bytes("secret_rotation")
    second = packaging.archive_bytes("secret_rotation")
    assert first == second
    assert packaging.build_archive("secret_rotation").source_code_hash == (
        packaging.build_archive("secret_rotation").source_code_hash
    )


def test_the_archive_holds_the_function_and_the_shared_code_only():
    names = zipfile.ZipFile(io.BytesIO(packaging.archive_bytes("secret_rotation"))).namelist()
    assert "app/secret_rotation/handler.py" in names
    assert "app/common/clients.py" in names
    assert "app/__init__.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert names == sorted(names)


def test_entries_carry_a_fixed_timestamp():
    archive = zipfile.ZipFile(io.BytesIO(packaging.archive_bytes("secret_rotation")))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_changed_source_changes_the_hash(tmp_path, monkeypatch: pytest.MonkeyPatch):
    app = tmp_path / "app"
    (app / "common").mkdir(parents=True)
    (app / "fn").mkdir()
    (app / "__init__.py").write_text("")
    (app / "common" / "__init__.py").write_text("")
    (app / "fn" / "handler.py").write_text("def handler(e, c):\n    return 1\n")
    monkeypatch.setattr(packaging, "APP_ROOT", app)
    monkeypatch.setattr(packaging, "REPO_ROOT", tmp_path)
    before = packaging.archive_bytes("fn")
    (app / "fn" / "handler.py").write_text("def handler(e, c):\n    return 2\n")
    assert packaging.archive_bytes("fn") != before


def test_a_package_without_a_handler_is_refused():
    with pytest.raises(FileNotFoundError, match="every function has one"):
        packaging.archive_bytes("common")

"""Deterministic Lambda archives built from this repository's ``app`` package.

The archive holds ``app/__init__.py``, the shared ``app/common`` modules and
the function's own package, with fixed timestamps and permissions and sorted
entries, so an unchanged source gives a byte-identical zip and an unchanged
``source_code_hash``: Pulumi then plans no update. Pure apart from writing the
zip under ``build/lambda``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
APP_ROOT = REPO_ROOT / "app"
BUILD_DIR = REPO_ROOT / "build" / "lambda"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_SHARED = ("__init__.py", "common")


@dataclass(frozen=True)
class LambdaArchive:
    """A built archive: where it is and the hash Lambda reports for it."""

    path: Path
    source_code_hash: str
    """Base64 SHA-256 of the zip, as Lambda's ``CodeSha256``."""
    handler: str
    """Handler string, e.g. ``app.secret_rotation.handler.handler``."""


def _source_files(
    function_package: str, extra_packages: Sequence[str] = ()
) -> list[tuple[str, Path]]:
    package_dir = APP_ROOT / function_package
    if not (package_dir / "handler.py").is_file():
        raise FileNotFoundError(f"{package_dir}/handler.py not found: every function has one")
    for extra in extra_packages:
        if not (APP_ROOT / extra / "__init__.py").is_file():
            raise FileNotFoundError(
                f"{APP_ROOT / extra}/__init__.py not found: extra_packages names packages "
                f"under app/, got {extra!r}"
            )
    roots = [APP_ROOT / shared for shared in _SHARED] + [package_dir]
    roots += [APP_ROOT / extra for extra in extra_packages]
    files: list[tuple[str, Path]] = []
    for root in roots:
        candidates = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in candidates:
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append((path.relative_to(REPO_ROOT).as_posix(), path))
    return sorted(files)


def archive_bytes(function_package: str, extra_packages: Sequence[str] = ()) -> bytes:
    """The zip of one function, byte-identical for identical sources."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for arcname, path in _source_files(function_package, extra_packages):
            info = zipfile.ZipInfo(arcname, date_time=_FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def build_archive(function_package: str, extra_packages: Sequence[str] = ()) -> LambdaArchive:
    """Write ``build/lambda/<package>.zip`` if its content changed and describe it.

    ``extra_packages`` names further packages under ``app/`` the function imports, e.g. the
    fraud model the scorer serves.
    """
    data = archive_bytes(function_package, extra_packages)
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    path = BUILD_DIR / f"{function_package}.zip"
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    return LambdaArchive(
        path=path, source_code_hash=digest, handler=f"app.{function_package}.handler.handler"
    )

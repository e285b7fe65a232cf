"""Frameworks are data: a versioned JSON file is checked, then published into the database.

Records keep the framework version they were started with; new records use the current one.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core.database import ById, db
from pledges.models import FrameworkArea, FrameworkVersion, KeyPoint

log = logging.getLogger(__name__)

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
DERBYSHIRE_FRAMEWORK_FILE = FRAMEWORKS_DIR / "derbyshire-v1.json"


class FrameworkFileError(ValueError):
    """A framework file that cannot be published; `problems` says what is wrong, in words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


LENGTH_LIMITS = {"key": 80, "version": 40, "title": 200}


def _small_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 999


def _list_of(item: dict, name: str) -> bool:
    return isinstance(item.get(name, []), list)


def check_framework_data(data: Any) -> list[str]:
    """Every problem with a framework's data, in words a training team member understands."""
    if not isinstance(data, dict):
        return ["The file must hold one framework (a JSON object)."]
    problems = [
        f"The framework needs a {name}."
        for name in ("key", "version", "title", "source")
        if not _text(data.get(name))
    ]
    problems += [
        f"The framework's {name} must be {limit} characters or fewer."
        for name, limit in LENGTH_LIMITS.items()
        if _text(data.get(name)) and len(data[name]) > limit
    ]
    if not isinstance(data.get("guidance_note", ""), str):
        problems.append("The framework's guidance note must be text.")
    areas = data.get("areas")
    if not isinstance(areas, list) or not areas:
        return [*problems, "The framework needs at least one area."]
    seen_points: set[int] = set()
    for area_index, area in enumerate(areas, start=1):
        where = f"Area {area_index}"
        if not isinstance(area, dict) or not _text(area.get("title")):
            problems.append(f"{where} needs a title.")
            continue
        if len(area["title"]) > 300:
            problems.append(f"{where}'s title must be 300 characters or fewer.")
        if "number" in area and not _small_number(area["number"]):
            problems.append(f"{where}'s number must be a whole number from 1 to 999.")
        points = area.get("key_points")
        if not isinstance(points, list) or not points:
            problems.append(f"{where} needs at least one key point.")
            continue
        for point in points:
            if not isinstance(point, dict) or not _small_number(point.get("number")):
                problems.append(f"Every key point in {where} needs a whole number from 1 to 999.")
                continue
            number = point["number"]
            if number in seen_points:
                problems.append(f"Key point {number} appears more than once.")
            seen_points.add(number)
            if not _text(point.get("title")):
                problems.append(f"Key point {number} needs a title.")
            if not _list_of(point, "sub_points") or not all(
                _text(item) for item in point.get("sub_points", [])
            ):
                problems.append(f"Key point {number} has a sub-point that is not text.")
            if not _list_of(point, "additional_detail"):
                problems.append(f"Key point {number}'s additional detail must be a list.")
                continue
            for detail in point.get("additional_detail", []):
                if not isinstance(detail, dict) or not _text(detail.get("text")):
                    problems.append(f"Key point {number} has additional detail without text.")
                elif not _list_of(detail, "items") or not all(
                    _text(item) for item in detail.get("items", [])
                ):
                    problems.append(f"Key point {number} has a detail item that is not text.")
    return problems


def framework_from_text(text: bytes | str) -> dict[str, Any]:
    """A framework's data from the text of its JSON file, checked; FrameworkFileError says why
    it cannot be published."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        data = json.loads(text)
    except UnicodeDecodeError as error:
        raise FrameworkFileError(
            ["The file is not UTF-8 text. Save it as UTF-8 JSON and try again."]
        ) from error
    except json.JSONDecodeError as error:
        raise FrameworkFileError(
            [
                f"The file is not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}."
            ]
        ) from error
    except RecursionError as error:
        raise FrameworkFileError(["The file is nested too deeply to be a framework."]) from error
    except ValueError as error:
        # Python refuses to read a number of more than 4,300 digits (int_max_str_digits).
        raise FrameworkFileError(
            ["The file holds a number too long to read. Numbers in a framework are short."]
        ) from error
    problems = check_framework_data(data)
    if _has_nul(data):
        # PostgreSQL cannot store it, and no one means to write it.
        problems.append("The file contains a NUL character (\\u0000): remove it.")
    if problems:
        raise FrameworkFileError(problems)
    return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def read_framework_file(path: Path) -> dict[str, Any]:
    try:
        text = Path(path).read_bytes()
    except OSError as error:
        raise FrameworkFileError([f"The file could not be read: {error}"]) from error
    return framework_from_text(text)


def stored_framework(key: str, version: str) -> FrameworkVersion | None:
    return db.session.scalar(
        sa.select(FrameworkVersion).where(
            FrameworkVersion.key == key, FrameworkVersion.version == version
        )
    )


def publish_framework(data: dict[str, Any], *, make_current: bool = True) -> FrameworkVersion:
    """Store a checked framework. Publishing a key and version already stored changes nothing."""
    existing = stored_framework(data["key"], data["version"])
    if existing is not None:
        return existing
    version = FrameworkVersion(
        key=data["key"],
        version=data["version"],
        title=data["title"],
        source=data["source"],
        guidance_note=data.get("guidance_note", ""),
    )
    for area_data in data["areas"]:
        area = FrameworkArea(
            number=area_data.get("number") or len(version.areas) + 1, title=area_data["title"]
        )
        area.key_points = [
            KeyPoint(
                number=point["number"],
                title=point["title"],
                sub_points=list(point.get("sub_points", [])),
                additional_detail=[
                    {"text": detail["text"], "items": list(detail.get("items", []))}
                    for detail in point.get("additional_detail", [])
                ],
            )
            for point in area_data["key_points"]
        ]
        version.areas.append(area)
    db.session.add(version)
    db.session.flush()
    if make_current:
        make_framework_current(version)
    log.info("framework %s version %s published", version.key, version.version)
    return version


def make_framework_current(version: FrameworkVersion) -> None:
    db.session.execute(
        sa.update(FrameworkVersion)
        .where(FrameworkVersion.id != version.id)
        .values(is_current=False)
    )
    version.is_current = True
    db.session.flush()


def current_framework() -> FrameworkVersion | None:
    return db.session.scalar(
        sa.select(FrameworkVersion)
        .where(FrameworkVersion.is_current.is_(True))
        .options(selectinload(FrameworkVersion.areas).selectinload(FrameworkArea.key_points))
    )


_FRAMEWORK_VERSION = ById(
    FrameworkVersion, selectinload(FrameworkVersion.areas).selectinload(FrameworkArea.key_points)
)


def load_framework_version(version_id: int) -> FrameworkVersion | None:
    """A published framework version with its areas and key points, or None."""
    return _FRAMEWORK_VERSION.load(version_id)


def ensure_default_framework() -> FrameworkVersion:
    """The current framework, publishing Derbyshire's fourteen points if none is stored yet."""
    version = current_framework()
    if version is None:
        version = publish_framework(read_framework_file(DERBYSHIRE_FRAMEWORK_FILE))
    return version

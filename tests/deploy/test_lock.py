"""requirements.lock, which the image installs, agrees with pyproject.toml: every runtime
dependency (and the `otel` extra the image carries) pinned within its range, with hashes,
for the Python version CI tests. Read from the files and the installed metadata only."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
IMAGE_EXTRAS = ("otel",)
REGENERATE = (
    "uv pip compile pyproject.toml --extra otel --python-version 3.11 --python-platform linux"
    " --generate-hashes -o requirements.lock"
)
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)")


def pinned(text: str) -> dict[str, Version]:
    """Package name (canonical) -> pinned version, from a lock file's text."""
    found: dict[str, Version] = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match["name"])] = Version(match["version"])
    return found


def hashed(text: str) -> dict[str, int]:
    """Package name -> how many hashes follow its pin."""
    counts: dict[str, int] = {}
    name = None
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            name = canonicalize_name(match["name"])
            counts[name] = 0
        if name is not None and "--hash=sha256:" in line:
            counts[name] += 1
    return counts


def image_requirements(pyproject: dict) -> list[Requirement]:
    """What the image runs: the project's dependencies and the extras it installs."""
    project = pyproject["project"]
    listed = list(project["dependencies"])
    for extra in IMAGE_EXTRAS:
        listed += [r for r in project["optional-dependencies"][extra] if "cdo-portfolio" not in r]
    return [Requirement(r) for r in listed]


def extra_packages(requirement: Requirement) -> set[str]:
    """The packages a requirement's extras bring (from the installed package's metadata)."""
    found: set[str] = set()
    if not requirement.extras:
        return found
    for line in metadata.requires(requirement.name) or []:
        needed = Requirement(line)
        for extra in requirement.extras:
            environment = {"extra": extra, "python_version": "3.11", "sys_platform": "linux"}
            if needed.marker is not None and needed.marker.evaluate(environment):
                found.add(canonicalize_name(needed.name))
    return found


def disagreements(pyproject: dict, lock_text: str) -> list[str]:
    """Each dependency the lock leaves out or pins outside pyproject's range."""
    pins = pinned(lock_text)
    problems = []
    for requirement in image_requirements(pyproject):
        name = canonicalize_name(requirement.name)
        version = pins.get(name)
        if version is None:
            problems.append(f"{requirement} is not in requirements.lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"requirements.lock pins {name}=={version}, outside {requirement}")
        for brought in sorted(extra_packages(requirement) - set(pins)):
            problems.append(f"{brought} (from {requirement}) is not in requirements.lock")
    return problems


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_lock_pins_every_runtime_dependency_within_its_range() -> None:
    assert disagreements(_pyproject(), LOCK.read_text()) == [], f"Regenerate the lock: {REGENERATE}"


def test_a_dependency_missing_or_out_of_range_is_told() -> None:
    lock = LOCK.read_text()
    pyproject = {
        "project": {
            "dependencies": ["structlog>=25.1,<27", "psycopg[binary,pool]>=3.2"],
            "optional-dependencies": {"otel": ["made-up-package>=1"]},
        }
    }
    assert disagreements(pyproject, lock) == ["made-up-package>=1 is not in requirements.lock"]
    pyproject["project"]["optional-dependencies"] = {"otel": []}
    assert disagreements(pyproject, lock) == []
    narrowed = re.sub(r"^structlog==\S+", "structlog==24.4.0", lock, flags=re.MULTILINE)
    assert disagreements(pyproject, narrowed) == [
        "requirements.lock pins structlog==24.4.0, outside structlog<27,>=25.1"
    ]
    without_binary = re.sub(r"^psycopg-binary==", "# psycopg-binary==", lock, flags=re.M)
    assert disagreements(pyproject, without_binary) == [
        "psycopg-binary (from psycopg[binary,pool]>=3.2) is not in requirements.lock"
    ]


def test_every_pin_carries_hashes_and_the_lock_says_how_to_regenerate_it() -> None:
    text = LOCK.read_text()
    counts = hashed(text)
    assert len(counts) >= 50
    assert [name for name, n in counts.items() if n == 0] == []
    assert REGENERATE in "\n".join(text.splitlines()[:3])


def test_image_installs_the_lock_on_the_python_ci_tests() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    python = _pyproject()["tool"]["mypy"]["python_version"]
    assert python == "3.11"
    bases = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert bases == [f"python:{python}-slim"] * 2
    assert "RUN pip install --no-deps --require-hashes -r requirements.lock" in dockerfile
    assert "RUN pip install --no-deps /wheels/*.whl" in dockerfile
    assert "pip install -e" not in dockerfile
    assert re.search(r"^USER app$", dockerfile, flags=re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n.*/readyz", dockerfile, flags=re.MULTILINE)

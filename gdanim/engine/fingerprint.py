"""What shapes an output, as a short hash: the gdanim code a module runs (found by
reading its imports, not by importing it) and the versions of the libraries involved.

A chapter's key covers its scenario module and every gdanim module that module can
reach, so editing one chapter (or a scene only it uses) changes only its key. A
package's `__init__` counts as code, but the submodules it merely imports do not:
`gdanim.chapters` imports every chapter, and one chapter must not depend on the rest."""
from __future__ import annotations

import ast
import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]   # gdanim/
COMPUTE_LIBRARIES = ("numpy", "jax", "jaxlib", "optax", "pandas", "palmerpenguins")
DRAW_LIBRARIES = ("numpy", "matplotlib", "imageio-ffmpeg", "pillow")


def module_file(name: str) -> Path | None:
    """The source file of gdanim module `name` ("gdanim.figures.scenes.belt"), or None."""
    parts = name.split(".")
    if parts[0] != "gdanim":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@lru_cache(maxsize=None)
def direct_imports(name: str) -> tuple[str, ...]:
    """The gdanim modules `name` imports anywhere in its source (including inside
    functions), plus the packages that contain them."""
    path = module_file(name)
    if path is None:
        return ()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "gdanim")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            if module.split(".")[0] != "gdanim":
                continue
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                found.add(sub if module_file(sub) else module)
    if path.name == "__init__.py":   # a package's own submodules are not its code
        found = {m for m in found if not m.startswith(name + ".")}
    for module in list(found):
        found.update(_parents(module))
    found.discard(name)
    return tuple(sorted(m for m in found if module_file(m)))


def closure(*names: str) -> list[str]:
    """Every gdanim module reachable from `names`, themselves and their packages included."""
    seen: set[str] = set()
    todo = [m for n in names for m in (n, *_parents(n))]
    while todo:
        name = todo.pop()
        if name in seen or module_file(name) is None:
            continue
        seen.add(name)
        todo.extend(direct_imports(name))
    return sorted(seen)


@lru_cache(maxsize=None)
def code_key(*names: str) -> str:
    """Hash of the source of every module in the closure of `names`."""
    digest = hashlib.sha256()
    for name in closure(*names):
        path = module_file(name)
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=None)
def library_key(names: tuple[str, ...]) -> str:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return digest_of(versions)


def tree_key(folder: Path) -> str:
    """Hash of every file under `folder` (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()
                       and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def files_key(paths: list[Path]) -> str:
    """Hash of these files of the package (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def digest_of(*values) -> str:
    """A short, stable hash of JSON-able values."""
    text = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

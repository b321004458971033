"""Fail when a module or function of the package is over its size (docs/DEVELOPING.md).

Limits: a module of ``flatclosure/`` over 400 lines, a widget view module (``flatclosure/widgets/``)
over 300, a function or method over 60 lines (from its ``def`` to its last line, docstring
included). ``make lint`` runs it; it prints one line per breach and exits 1 if there is any.

ALLOWED lists what is over today and is being reshaped in its own branch; each entry says which.
The lead removes an entry when the branch that shrinks it is merged: the list only shrinks.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "flatclosure"
MODULE_LINES = 400
VIEW_LINES = 300
FUNCTION_LINES = 60

# path relative to the repository (a module's own size) or "path:qualified.function"
ALLOWED: dict[str, str] = {
}


def function_spans(tree: ast.AST) -> list[tuple[str, int, int]]:
    """(qualified name, first line, line count) of every function and method."""
    out: list[tuple[str, int, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + child.name
                end = child.end_lineno or child.lineno
                out.append((name, child.lineno, end - child.lineno + 1))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")

    visit(tree, "")
    return out


def breaches(path: Path) -> list[tuple[str, str]]:
    """(allowlist key, message) for each limit ``path`` is over."""
    rel = path.relative_to(ROOT).as_posix()
    text = path.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    limit = VIEW_LINES if path.parent.name == "widgets" else MODULE_LINES
    found = []
    if lines > limit:
        found.append((rel, f"{rel}: {lines} lines (limit {limit})"))
    for name, first, count in function_spans(ast.parse(text, filename=rel)):
        if count > FUNCTION_LINES:
            short = name.split(".")[-1]
            found.append((f"{rel}:{short}",
                          f"{rel}:{first}: {name} is {count} lines (limit {FUNCTION_LINES})"))
    return found


def main() -> int:
    found = [b for p in sorted(PACKAGE.rglob("*.py")) for b in breaches(p)]
    over = [msg for key, msg in found if key not in ALLOWED]
    used = {key for key, _ in found}
    stale = [key for key in ALLOWED if key not in used]
    for msg in over:
        print(msg)
    for key in stale:
        print(f"{key}: within its limit now; remove it from ALLOWED in scripts/check_sizes.py")
    allowed = len(found) - len(over)
    print(f"check_sizes: {len(over)} over the limits, {allowed} allowed while reshaped, "
          f"{len(stale)} stale allowlist entries")
    return 1 if over or stale else 0


if __name__ == "__main__":
    sys.exit(main())

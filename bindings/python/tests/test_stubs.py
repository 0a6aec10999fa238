"""The type stubs (itsm/__init__.pyi) describe what the package really has: every public name is
stubbed, and every stubbed class member exists at run time."""
import ast
import os

import itsm


def stub_tree():
    path = os.path.join(os.path.dirname(itsm.__file__), "__init__.pyi")
    with open(path, encoding="utf-8") as f:
        return ast.parse(f.read())


def test_every_public_name_is_stubbed():
    tree = stub_tree()
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    stubbed |= {t.id for n in tree.body if isinstance(n, ast.AnnAssign) for t in [n.target]}
    missing = set(itsm.__all__) - stubbed
    assert not missing, f"not in the stubs: {sorted(missing)}"


def test_every_stubbed_member_exists():
    for node in stub_tree().body:
        if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
            continue  # private classes are the stubs' own typing helpers (protocols)
        runtime = getattr(itsm, node.name)
        for member in node.body:
            if isinstance(member, ast.FunctionDef) and not member.name.startswith("__"):
                assert hasattr(runtime, member.name), f"{node.name}.{member.name} is stubbed but absent"
            if isinstance(member, ast.AnnAssign) and hasattr(runtime, "__dataclass_fields__"):
                assert member.target.id in runtime.__dataclass_fields__, f"{node.name}.{member.target.id}"

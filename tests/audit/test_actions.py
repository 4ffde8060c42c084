"""Every audit action recorded anywhere in desk has a Japanese and English label."""

import ast
from pathlib import Path

import desk
from desk.audit.actions import ACTIONS


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in Path(desk.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "record"
                and node.args
            ):
                for constant in ast.walk(node.args[0]):
                    if isinstance(constant, ast.Constant) and isinstance(constant.value, str) and "." in constant.value:
                        found.add(constant.value)
    return found


def test_every_recorded_action_has_a_label():
    actions = _recorded_actions()
    assert len(actions) > 30  # the scan really found the calls
    missing = sorted(actions - set(ACTIONS))
    assert not missing, f"audit actions without a label in desk/audit/actions.py: {missing}"

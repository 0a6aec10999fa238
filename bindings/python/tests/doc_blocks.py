"""The python blocks of a section of docs/python.md, for the tests that run them (each block
checks what it shows with asserts)."""
import os
import re

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "docs", "python.md")


def python_blocks(section):
    """The ```python blocks of the `## <section>` of docs/python.md, in order; none is an error."""
    with open(DOCS, encoding="utf-8") as f:
        text = f.read()
    found = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert found, f"docs/python.md has no '## {section}' section"
    blocks = re.findall(r"^```python\n(.*?)^```", found.group(1), re.S | re.M)
    assert blocks, f"the {section} section of docs/python.md has no python block"
    return blocks


def run_block(section, index):
    code = compile(python_blocks(section)[index], f"docs/python.md, {section}, block {index}", "exec")
    exec(code, {"__name__": "__main__"})  # as a script run directly

"""The README's promise: two commands, and CI runs the very same test command."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN_COMMAND = "python3 -m pip install -e . && python3 -m streamlit run dashboard/app.py"
TEST_COMMAND = 'python3 -m pip install -e ".[test]" && python3 -m pytest'


def _bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_readme_gives_exactly_the_two_commands():
    blocks = _bash_blocks((ROOT / "README.md").read_text())
    assert blocks[:2] == [RUN_COMMAND, TEST_COMMAND]


def test_ci_runs_the_readme_test_command():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert TEST_COMMAND in lines


def test_readme_images_exist():
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (ROOT / "README.md").read_text()):
        assert (ROOT / target).is_file(), target


def test_the_first_run_asks_nothing_before_serving():
    # Streamlit's first run asks for an e-mail in the terminal and serves nothing until answered.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["showEmailPrompt"] is False


def test_app_entry_point_exists():
    assert (ROOT / "dashboard" / "app.py").is_file()

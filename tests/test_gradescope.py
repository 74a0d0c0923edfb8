"""``grader gradescope``: the autograder zip, run as Gradescope would run it.

The zip's ``run_autograder`` runs inside a simulated ``/autograder`` (bubblewrap binds a
temporary folder there), with a venv standing in for what ``setup.sh`` installs: the
zip's own grader wheel installed by pip, plus this machine's site-packages for torch &
co. (``setup.sh``'s downloads are not run; it is checked with ``bash -n`` and for its
torch pin). ``results.json`` is validated against the Gradescope results schema.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import time
import zipfile

import jsonschema
import nbformat
import pytest

from grader.integrations.course_notebook import module_code
from grader.integrations.leaks import reference_lines
from tests.helpers import EXERCISES, REPO, SOLUTIONS, run_grader

SEED = 31337
SCHEMA = os.path.join(REPO, "grader", "schemas", "gradescope_results.schema.json")


def validate(results: dict) -> None:
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(results)


def exercises(results: dict) -> dict[str, tuple[float, float]]:
    out: dict[str, list[float]] = {}
    for test in results["tests"]:
        entry = out.setdefault(test["tags"][0], [0.0, 0.0])
        entry[0] += test["score"]
        entry[1] += test["max_score"]
    return {m: tuple(v) for m, v in out.items()}


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    root = tmp_path_factory.mktemp("gradescope")
    path = str(root / "autograder.zip")
    result = run_grader("gradescope", path, "--seed", str(SEED))
    assert result.returncode == 0, result.stdout + result.stderr
    return path


@pytest.fixture(scope="module")
def standin_venv(autograder, tmp_path_factory):
    """What setup.sh would make: a venv with the zip's wheel, torch & co. from this machine."""
    venv = str(tmp_path_factory.mktemp("standin") / "venv")
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", venv], check=True)
    wheel_dir = str(tmp_path_factory.mktemp("wheel"))
    with zipfile.ZipFile(autograder) as z:
        wheel = [n for n in z.namelist() if n.endswith(".whl")][0]
        z.extract(wheel, wheel_dir)
    python = os.path.join(venv, "bin", "python")
    subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index",
                    os.path.join(wheel_dir, wheel)], check=True, capture_output=True)
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    with open(os.path.join(site, "this_machine.pth"), "w") as f:  # after the install: pip must not see it
        f.write(sysconfig.get_paths()["purelib"] + "\n")
    where = subprocess.run([python, "-I", "-c", "import grader; print(grader.__file__)"],
                           check=True, capture_output=True, text=True).stdout
    assert where.startswith(site), f"the stand-in must run the zip's grader, not {where}"
    return venv


def docker_like(venv: str, ag) -> list[str]:
    """Outer bubblewrap arguments that make the simulated image look like Gradescope's container
    where bubblewrap cannot run: no CAP_SYS_ADMIN (so no namespaces or mounts for the grader
    either), and none of this machine's world-readable copies of the repository around."""
    real_venv = os.path.realpath(venv)
    args = ["--tmpfs", "/tmp", "--bind", real_venv, real_venv, "--bind", str(ag), "/autograder",
            "--tmpfs", REPO, "--bind", os.path.join(REPO, ".venv"), os.path.join(REPO, ".venv")]
    home = os.path.expanduser("~")
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    if base.startswith(home + os.sep):  # a Python installed under root's 0700 home (pyenv): only that
        keep = os.path.join(home, base[len(home) + 1:].split(os.sep)[0])
        args += ["--tmpfs", home, "--bind", keep, keep]
    return args + ["--cap-drop", "CAP_SYS_ADMIN"]


def setup_permissions(autograder: str) -> str:
    """The part of setup.sh that sets owners and modes (after the installs this test stands in for)."""
    with zipfile.ZipFile(autograder) as z:
        setup = z.read("setup.sh").decode()
    return setup[setup.index("# Student code runs as"):]


def run_autograder(autograder: str, venv: str, root, submission_files: dict[str, bytes], env=None,
                   docker: bool = False) -> dict:
    """Lay out /autograder as Gradescope does and run the zip's run_autograder in it."""
    ag = root / "autograder"
    (ag / "source").mkdir(parents=True)
    (ag / "submission").mkdir()
    with zipfile.ZipFile(autograder) as z:
        z.extractall(ag / "source")
    shutil.copy(ag / "source" / "run_autograder", ag / "run_autograder")
    os.chmod(ag / "run_autograder", 0o755)
    if venv:
        os.symlink(venv, ag / "venv")
    for name, data in submission_files.items():
        (ag / "submission" / name).write_bytes(data)
    setenv = [arg for key, value in (env or {}).items() for arg in ("--setenv", key, value)]
    cmd = ["bwrap", "--bind", "/", "/", "--dev-bind", "/dev", "/dev", "--proc", "/proc", *setenv]
    if docker:
        cmd += docker_like(venv, ag) + ["--chdir", "/autograder", "--", "bash", "-c",
                                        setup_permissions(autograder) + "\nexec /autograder/run_autograder"]
    else:
        cmd += ["--bind", str(ag), "/autograder", "--chdir", "/autograder", "--", "/autograder/run_autograder"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    with open(ag / "results" / "results.json", encoding="utf-8") as f:
        return json.load(f)


def read(folder: str, module: str) -> bytes:
    with open(os.path.join(folder, f"{module}.py"), "rb") as f:
        return f.read()


def test_zip_layout_and_setup_pins_torch(autograder, tmp_path):
    with zipfile.ZipFile(autograder) as z:
        names = z.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        setup = z.read("setup.sh").decode()
        run = z.read("run_autograder").decode()
        pins = z.read("requirements.txt").decode()
        wheel = [n for n in names if n.endswith(".whl")]
        assert len(wheel) == 1
        z.extract(wheel[0], tmp_path)
    assert {"setup.sh", "run_autograder", "requirements.txt"} <= set(names)
    assert all("/" not in n for n in names), "Gradescope wants the files at the zip's root"
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    for script in ("setup.sh", "run_autograder"):
        (tmp_path / script).write_text(setup if script == "setup.sh" else run)
        subprocess.run(["bash", "-n", str(tmp_path / script)], check=True)
    import torch

    version = torch.__version__.split("+")[0]
    assert "apt-get install" in setup and "bubblewrap" in setup and "python3-venv" in setup
    assert f"--index-url https://download.pytorch.org/whl/cpu torch=={version}" in setup
    installs = [line for line in setup.splitlines() if "pip install" in line]
    torch_tokens = [tok for line in installs for tok in line.split() if re.match(r"torch\b", tok)]
    assert torch_tokens == [f"torch=={version}"], f"torch must be installed pinned, once: {torch_tokens}"
    assert f"torch=={version}" in pins.splitlines()
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][\w.]*", p) for p in pins.splitlines()), pins
    assert f"GRADER_SEED={SEED} " in run and "--seed" not in run  # a command line is readable by every user
    assert "/autograder/submission" in run and "/autograder/results/results.json" in run
    with zipfile.ZipFile(tmp_path / wheel[0]) as whl:
        members = whl.namelist()
        text = "\n".join(whl.read(n).decode("utf-8", "replace") for n in members)
    assert all(m.startswith(("grader/", "d2l_conv_grader-")) for m in members), members
    assert not any("solutions" in m or m.startswith("tests/") for m in members)
    leaked = [line for line in reference_lines(SOLUTIONS, EXERCISES) if line in text]
    assert not leaked, leaked[:5]


def test_module_files(autograder, standin_venv, tmp_path):
    files = {f"{m}.py": read(SOLUTIONS, m) for m in ("cross_correlation", "blur_kernel")}
    results = run_autograder(autograder, standin_venv, tmp_path, files)
    validate(results)
    scores = exercises(results)
    assert scores["cross_correlation"][0] == scores["cross_correlation"][1] > 0
    assert scores["blur_kernel"][0] == scores["blur_kernel"][1] > 0
    assert scores["fc_to_conv"][0] == 0
    assert results["extra_data"]["seed"]  # the seed's public id (the seed itself stays private)
    assert results["extra_data"]["sandbox"].startswith("bwrap")  # bubblewrap works inside the simulated image too
    assert results["score"] == pytest.approx(sum(s for s, _ in scores.values()))


def test_a_single_zip(autograder, standin_venv, tmp_path):
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for m in ("cross_correlation", "diagonal_edges"):
            z.writestr(f"homework/{m}.py", read(SOLUTIONS, m))
        z.writestr("homework/notes.txt", "not code")
    results = run_autograder(autograder, standin_venv, tmp_path, {"my_work.zip": archive.read_bytes()})
    validate(results)
    scores = exercises(results)
    for m in ("cross_correlation", "diagonal_edges"):
        assert scores[m][0] == scores[m][1] > 0, (m, scores)
    assert scores["transpose_effect"][0] == 0


def test_a_single_notebook(autograder, standin_venv, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# My answers")]
    for m in ("cross_correlation", "transpose_effect"):
        nb.cells.append(nbformat.v4.new_code_cell(module_code(read(SOLUTIONS, m).decode())))
    results = run_autograder(autograder, standin_venv, tmp_path, {"answers.ipynb": nbformat.writes(nb).encode()})
    validate(results)
    scores = exercises(results)
    for m in ("cross_correlation", "transpose_effect"):
        assert scores[m][0] == scores[m][1] > 0, (m, scores)
    assert scores["blur_kernel"][0] == 0


def test_a_broken_install_still_writes_valid_results(autograder, tmp_path):
    results = run_autograder(autograder, "", tmp_path, {"cross_correlation.py": b"x = 1\n"})
    validate(results)
    assert results["score"] == 0 and "instructor" in results["output"]


def test_grade_solutions_json_validates(tmp_path):
    out = str(tmp_path / "solutions.json")
    result = run_grader("grade", SOLUTIONS, "--json", out, "-q")
    assert result.returncode == 0, result.stderr[-3000:]
    with open(out, encoding="utf-8") as f:
        results = json.load(f)
    validate(results)
    assert all(t["tags"] and t["tags"][0] for t in results["tests"])


def test_unreadable_submission_report_validates(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    out = str(tmp_path / "bad.json")
    result = run_grader("grade", str(bad), "--json", out, "-q", "--only", "cross_correlation")
    assert result.returncode == 0
    with open(out, encoding="utf-8") as f:
        results = json.load(f)
    validate(results)
    assert results["score"] == 0


def test_schema_rejects_what_gradescope_does_not_know():
    good = {"score": 1.0, "tests": [{"name": "t", "score": 1, "max_score": 1, "status": "passed",
                                     "visibility": "after_due_date", "output_format": "md"}]}
    validate(good)
    for bad in ({"tests": [{"name": "no score anywhere"}]},
                {"score": 1, "tests": [{"score": 1, "status": "ok"}]},
                {"score": 1, "visibility": "sometimes"},
                {"score": "1"},
                {"score": 1, "tests": [{"score": 1, "max_points": 2}]},
                {"score": 1, "leaderboard": [{"name": "acc"}]}):
        with pytest.raises(jsonschema.ValidationError):
            validate(bad)


STEAL = textwrap.dedent("""
    import os, pathlib, sys, time, subprocess, torch

    EDGE_KERNEL = torch.tensor([[1.0, -1.0]])
    TARGETS = ("run_autograder", "results.json", "submission_metadata.json")
    # the installation under test: the simulated /autograder, the checkout the test runs from and
    # the test's own files (the stand-in venv, the zip's wheel); another checkout of the repository
    # elsewhere on the machine is not part of it
    INSTALL = tuple(os.path.realpath(p) for p in __INSTALL__)

    def ours(path):
        real = os.path.realpath(path)
        return any(real == root or real.startswith(root.rstrip("/") + "/") for root in INSTALL)

    found = []
    start = time.monotonic()
    roots = [p for p in sys.path if p and os.path.isdir(p)] + ["/"]
    for root in roots:
        for folder, dirs, files in os.walk(root):
            if time.monotonic() - start > 15:
                break
            dirs[:] = [d for d in dirs if os.path.join(folder, d) not in ("/proc", "/sys", "/dev")]
            if folder == os.getcwd():
                continue
            for name in files:
                path = os.path.join(folder, name)
                secret = (name in TARGETS or name.startswith("d2l_conv_grader") or "/grader/checks/" in path
                          or name == "diagonal_edges.py" or "/solutions/" in path)
                # what the student's imports reach (sys.path) is the install's; elsewhere, only its files
                secret = secret and (root != "/" or ours(path))
                if secret:
                    try:
                        pathlib.Path(path).read_bytes()
                        found.append(path)
                    except OSError:
                        pass
    APPLY_K = "nothing"
    for path in found:
        if "/checks/" in path:
            APPLY_K = "diagonal"  # a real thief would parse the check; reading it is the point
    try:
        with open("/autograder/results/results.json", "w") as f:
            f.write('{"score": 1000}')
        wrote = True
    except OSError:
        wrote = False
    subprocess.Popen(["sleep", "1000"], start_new_session=True)
    print("FOUND", len(found), found[:5], "WROTE", wrote)

    def diagonal_image(n=8):
        return torch.eye(n)

    def edge_response(X):
        from cross_correlation import corr2d
        return corr2d(X, EDGE_KERNEL)
""")


def uid_processes() -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as f:
                status = f.read().splitlines()
            uid = next(int(line.split()[1]) for line in status if line.startswith("Uid:"))
            zombie = any(line.startswith("State:") and "Z" in line for line in status)
        except (OSError, StopIteration):
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if uid >= 200_000 and not zombie and cmd.startswith(b"sleep\x001000"):  # what STEAL started
            found.append(pid)
    return found


@pytest.mark.skipif(os.geteuid() != 0, reason="user separation needs root")
@pytest.mark.parametrize("docker", [False, True], ids=["own-view", "file-permissions"])
def test_without_bubblewrap_student_code_finds_no_secret(autograder, standin_venv, tmp_path, tmp_path_factory,
                                                         docker):
    """Gradescope without bubblewrap (GRADER_NO_SANDBOX=1): student code runs as its own user,
    searches sys.path and the whole file system for the checks, run_autograder, the wheel and
    the references, finds none, cannot write results.json and leaves no process. Where the
    grader may mount (own-view) and where it may not, as in a Docker container without
    CAP_SYS_ADMIN, so that only the owners and modes setup.sh sets protect (file-permissions)."""
    install = ("/autograder", REPO, str(tmp_path_factory.getbasetemp()), os.path.realpath(standin_venv))
    steal = STEAL.replace("__INSTALL__", repr(install))
    files = {"diagonal_edges.py": steal.encode(), "cross_correlation.py": read(SOLUTIONS, "cross_correlation"),
             "blur_kernel.py": read(SOLUTIONS, "blur_kernel")}
    env = {"GRADER_NO_SANDBOX": "1"}
    if docker:
        env["GRADER_NO_CGROUPS"] = "1"  # a container's cgroup file system is read-only
    results = run_autograder(autograder, standin_venv, tmp_path, files, env=env, docker=docker)
    validate(results)
    assert results["extra_data"]["sandbox"].startswith("users"), results["output"][:500]
    assert ("file permissions" in results["extra_data"]["sandbox"]) == docker, results["extra_data"]["sandbox"]
    assert "secrets readable" not in results["output"]
    apply_k = [t for t in results["tests"] if t["tags"][0] == "diagonal_edges" and "APPLY_K" in t["name"]]
    printed = " ".join(t["output"] for t in results["tests"] if "FOUND" in t["output"])
    assert apply_k and apply_k[0]["score"] == 0, printed[:1500]
    printed = " ".join(t["output"] for t in results["tests"] if "FOUND" in t["output"])
    assert "FOUND 0 [] WROTE False" in printed, printed[:1000]
    assert results["score"] < 1000
    scores = exercises(results)
    assert scores["cross_correlation"][0] == scores["cross_correlation"][1] > 0
    assert scores["blur_kernel"][0] == scores["blur_kernel"][1] > 0
    time.sleep(1)
    assert uid_processes() == []  # (other graders' children may run beside this test)

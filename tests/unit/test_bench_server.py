"""The browser benchmarks start the production server with the tests' launcher."""

from __future__ import annotations

from contextlib import contextmanager

from benchmarks import _server
from tests.support.servers import ROOT


def test_the_benchmark_server_is_the_tests_launcher_with_files_of_its_own(
    tmp_path, monkeypatch
):
    started = {}

    @contextmanager
    def launcher(project, env, log, start_limit_s):
        started.update(project=project, env=env, log=log, limit=start_limit_s)
        yield "the server"

    monkeypatch.setattr(_server, "serve", launcher)
    monkeypatch.setattr(_server, "wait_for_other_builds", lambda: 0.0)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://ailleurs/sms_hub")
    with _server.production_server(tmp_path, {"WORKERS": "2"}, 60) as server:
        assert server == "the server"
    env = started["env"]
    assert (started["project"], started["log"], started["limit"]) == (
        ROOT,
        tmp_path / "server.log",
        60,
    )
    assert env["DATA_DIR"] == str(tmp_path / "data")
    assert env["REFLEX_UPLOADED_FILES_DIR"] == str(tmp_path / "uploaded_files")
    assert env["WORKERS"] == "2"
    assert env["DEMO_MODE"] == "1"
    assert env["PORT"].isdigit()
    assert "DATABASE_URL" not in env  # never the caller's database

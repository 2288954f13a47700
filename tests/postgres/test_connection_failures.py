"""Server down, wrong password, server restarted mid-session: one clear line, no lost work.

These tests stop and restart a server of their own (the shared test server stays up), which
asks for a password on loopback like a real team server.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text

from briefer.cli.main import main
from briefer.domain.errors import LibraryError
from briefer.services import briefings
from briefer.services.library import open_ready_library
from briefer.store.library import Library, open_library
from tests.support.pg_server import PostgresServer, PostgresUnavailable, start_server

pytestmark = pytest.mark.postgres

PASSWORD = "team-secret"


def _start(server: PostgresServer) -> None:
    root = server.data_dir.parent
    options = f"-p {server.port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off"
    pg_ctl = str(server.bin_dir / "pg_ctl")
    result = server._run(pg_ctl, "-D", str(server.data_dir), "-o", options, "-l", str(root / "log"), "-w", "start")  # fmt: skip
    assert result.returncode == 0, result.stderr


def _stop(server: PostgresServer) -> None:
    pg_ctl = str(server.bin_dir / "pg_ctl")
    result = server._run(pg_ctl, "-D", str(server.data_dir), "-m", "fast", "-w", "stop")
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    """A server of this module's own, with a library database and password authentication."""
    try:
        own = start_server()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    own.create_database("team")
    with psycopg.connect(
        host="127.0.0.1", port=own.port, user="briefer", dbname="postgres", autocommit=True
    ) as admin:
        admin.execute(f"ALTER ROLE briefer PASSWORD '{PASSWORD}'")
    hba = own.data_dir / "pg_hba.conf"
    hba.write_text("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
    assert own._run(str(own.bin_dir / "pg_ctl"), "-D", str(own.data_dir), "reload").returncode == 0
    yield own
    own.stop()


def _url(server: PostgresServer, password: str = PASSWORD) -> str:
    return f"postgresql+psycopg://briefer:{password}@127.0.0.1:{server.port}/team"


@pytest.fixture
def up(server: PostgresServer) -> PostgresServer:
    """The server, running (a test that stopped it may have failed before restarting it)."""
    probe = server._run(str(server.bin_dir / "pg_ctl"), "-D", str(server.data_dir), "status")
    if probe.returncode != 0:
        _start(server)
    return server


@pytest.fixture
def team(up: PostgresServer) -> Iterator[Library]:
    library = open_ready_library(_url(up))
    yield library
    library.close()


def _one_line_naming(message: str, server: PostgresServer) -> None:
    assert "\n" not in message.strip()
    assert f"briefer:***@127.0.0.1:{server.port}/team" in message
    assert PASSWORD not in message and "wrong-secret" not in message


def test_a_wrong_password_is_one_clear_line(
    up: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(LibraryError) as refused:
        open_library(_url(up, "wrong-secret"))
    _one_line_naming(str(refused.value), up)
    assert "password authentication failed" in str(refused.value)

    assert main(["--db", _url(up, "wrong-secret"), "documents"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("briefer: ")
    _one_line_naming(err, up)


def test_a_server_that_is_down_is_one_clear_line(
    up: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _stop(up)
    try:
        with pytest.raises(LibraryError, match="cannot connect to the library's server") as down:
            open_library(_url(up))
        _one_line_naming(str(down.value), up)
        assert main(["--db", _url(up), "briefing", "list"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "cannot connect" in err
        _one_line_naming(err, up)
    finally:
        _start(up)


def test_a_restart_between_edits_is_invisible(team: Library, up: PostgresServer) -> None:
    """Pooled connections died with the server; pre-ping replaces them before the next edit."""
    briefing = briefings.create_briefing(team, "Before the restart").briefing_id
    assert briefing is not None
    server_pid = up.data_dir.joinpath("postmaster.pid").read_text().split()[0]
    _stop(up)
    _start(up)
    assert up.data_dir.joinpath("postmaster.pid").read_text().split()[0] != server_pid
    briefings.rename_briefing(team, briefing, "After the restart")
    with team.sessions() as session:
        assert briefings.briefing_data(session, briefing).title == "After the restart"


def test_an_edit_while_the_server_is_down_is_reported_then_stored_on_retry(
    team: Library, up: PostgresServer
) -> None:
    briefing = briefings.create_briefing(team, "Kept").briefing_id
    assert briefing is not None
    _stop(up)
    try:
        with pytest.raises(LibraryError) as lost:
            briefings.rename_briefing(team, briefing, "Renamed while down")
        _one_line_naming(str(lost.value), up)
    finally:
        _start(up)
    with team.sessions() as session:  # nothing half-stored, nothing silently kept either
        assert briefings.briefing_data(session, briefing).title == "Kept"
    briefings.rename_briefing(team, briefing, "Renamed while down")  # the same Library, retried
    with team.sessions() as session:
        assert briefings.briefing_data(session, briefing).title == "Renamed while down"


def test_a_connection_killed_inside_a_change_rolls_it_back_and_says_so(
    team: Library, up: PostgresServer
) -> None:
    """The server drops the connection mid-transaction (a restart, a failover)."""
    briefing = briefings.create_briefing(team, "Whole or nothing").briefing_id
    lost_connection = pytest.raises(LibraryError, match="lost the connection")
    with lost_connection as lost, team.session() as session:
        session.execute(text("UPDATE briefing SET title = 'half' WHERE id = :id"), {"id": briefing})
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with team.engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        session.execute(text("SELECT 1"))
    _one_line_naming(str(lost.value), up)
    with team.sessions() as session:
        assert briefings.briefing_data(session, briefing).title == "Whole or nothing"

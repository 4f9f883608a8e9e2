"""The supervisord configuration of ``make run``, written from the Procfile.

The Procfile stays the one list of Criba's processes (web, worker, beat); this
turns it into a supervisord configuration so that a process that dies (a worker
killed by the out-of-memory killer, a crash) is started again while the others
keep running, and Ctrl-C (SIGINT to supervisord) still stops them all.

    python -m config.supervisor --procfile Procfile --var-dir var > var/supervisord.conf
    supervisord -c var/supervisord.conf

Environment variables in the Procfile (``$PORT``, ``${PORT}``) become
supervisord's ``%(ENV_PORT)s``, read from supervisord's own environment when it
starts, which every process also inherits.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A process that dies within this many seconds of its start counts as failing to
# start; after START_RETRIES such failures in a row supervisord gives up on it
# (a broken configuration should not spin forever). A process that ran longer
# is restarted every time it exits.
START_SECONDS = 3
START_RETRIES = 5
# SIGTERM first (a Celery worker finishes its task); SIGKILL after this long.
STOP_WAIT_SECONDS = 15

_PROCESS_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


class ProcfileError(ValueError):
    """The Procfile has a line this module cannot turn into a program."""


def procfile_read(text: str) -> dict[str, str]:
    """``{name: command}`` in the order of the Procfile; comments are skipped."""
    processes: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, separator, command = stripped.partition(":")
        name, command = name.strip(), command.strip()
        if not separator or not _PROCESS_NAME.match(name) or not command:
            raise ProcfileError(f"Procfile line {number}: expected 'name: command'")
        if name in processes:
            raise ProcfileError(f"Procfile line {number}: {name!r} appears twice")
        processes[name] = command
    return processes


def _command(command: str, root: Path) -> str:
    """The command for supervisord: absolute program path, ``%(ENV_X)s`` variables.

    supervisord looks a relative program up from its own working directory, not
    the program's ``directory``, so the program is made absolute against ``root``.
    """
    words = shlex.split(command)
    program = words[0]
    if "/" in program and not program.startswith(("/", "$")):
        words[0] = str(root / program)
    line = shlex.join(words).replace("%", "%%")
    return _VARIABLE.sub(
        lambda match: f"%(ENV_{match.group(1) or match.group(2)})s", line
    )


def supervisor_config(processes: dict[str, str], *, root: Path, var_dir: Path) -> str:
    """A complete supervisord configuration running ``processes`` in the foreground.

    Each program writes to supervisord's standard output, as the processes of a
    Procfile do. Each runs in a process group of its own, so Ctrl-C reaches only
    supervisord, which then stops them in reverse order and exits.
    """
    var_dir = var_dir.resolve()
    sections = [
        "; Written by `python -m config.supervisor` from the Procfile; do not edit.",
        "[supervisord]",
        "nodaemon=true",
        f"logfile={var_dir / 'supervisord.log'}",
        "logfile_maxbytes=1MB",
        "logfile_backups=1",
        f"pidfile={var_dir / 'supervisord.pid'}",
        f"childlogdir={var_dir}",
        "",
        "[unix_http_server]",
        f"file={var_dir / 'supervisor.sock'}",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:"
        "make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{var_dir / 'supervisor.sock'}",
    ]
    for priority, (name, command) in enumerate(processes.items(), start=1):
        sections += [
            "",
            f"[program:{name}]",
            f"command={_command(command, root)}",
            f"directory={root}",
            f"priority={priority * 10}",
            "autostart=true",
            "autorestart=true",
            f"startsecs={START_SECONDS}",
            f"startretries={START_RETRIES}",
            "stopsignal=TERM",
            f"stopwaitsecs={STOP_WAIT_SECONDS}",
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            "stdout_logfile=/dev/stdout",
            "stdout_logfile_maxbytes=0",
        ]
    return "\n".join(sections) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procfile", type=Path, default=ROOT / "Procfile")
    parser.add_argument("--var-dir", type=Path, default=ROOT / "var")
    parser.add_argument("--root", type=Path, default=ROOT)
    options = parser.parse_args(argv)
    try:
        processes = procfile_read(options.procfile.read_text())
    except (OSError, ProcfileError) as error:
        print(f"config.supervisor: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(
        supervisor_config(
            processes, root=options.root.resolve(), var_dir=options.var_dir
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m sms_hub.sarbacane.simulator --port N [--db PATH] [--workers N]``.

Serves the simulator alone, mounted at ``/sarbacane-sim`` as in the app, so
the API base is ``http://127.0.0.1:N/sarbacane-sim/v1``. Other knobs come
from the ``SIMULATOR_*`` environment variables (see ``sms_hub.settings``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os

from sms_hub.settings import SIMULATOR_MOUNT

_FACTORY = "sms_hub.sarbacane.simulator._standalone:build_app"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sms_hub.sarbacane.simulator")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--db", help="SQLite file (default: $SIMULATOR_DB_PATH or data/)"
    )
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    if args.db:
        os.environ["SIMULATOR_DB_PATH"] = args.db
    print(f"Simulateur Sarbacane : http://{args.host}:{args.port}{SIMULATOR_MOUNT}/v1")
    if importlib.util.find_spec("uvicorn") is not None:
        import uvicorn

        uvicorn.run(
            _FACTORY, factory=True, host=args.host, port=args.port, workers=args.workers
        )
        return
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        _FACTORY,
        factory=True,
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=args.workers,
    ).serve()


if __name__ == "__main__":
    main()

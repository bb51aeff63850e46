"""The floor ``bench/web.py`` compares botkit with: a bare FastAPI app doing one INSERT + COMMIT per
POST, and an SSE stream whose first event is that row read back (one SELECT). Same database engine
settings as botkit (``botkit.store.db.open_db``: pool, SQLite pragmas) and the same uvicorn
settings as ``botkit serve``; what a user would write instead of botkit.

    python bench/web_baseline.py PORT PROCESSES   (BASELINE_DATABASE_URL names the database)
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import anyio
from fastapi import FastAPI, Form
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import Column, Integer, MetaData, Table, Text, insert, select

from botkit.store.db import open_db

metadata = MetaData()
messages = Table(
    "bench_messages", metadata, Column("id", Integer, primary_key=True, autoincrement=True), Column("text", Text)
)


def create_tables(url: str) -> None:
    db = open_db(url)
    metadata.create_all(db)
    db.dispose()


def build() -> FastAPI:
    db = open_db(os.environ["BASELINE_DATABASE_URL"])
    app = FastAPI()

    @app.post("/api/conversations", status_code=201)
    def create(text: Annotated[str, Form()]) -> JSONResponse:
        with db.begin() as connection:  # one INSERT + COMMIT
            row_id = connection.execute(insert(messages).values(text=text)).inserted_primary_key[0]
        return JSONResponse({"conversation_id": str(row_id)}, status_code=201)

    @app.get("/api/conversations/{conversation_id}/events")
    async def events(conversation_id: int) -> StreamingResponse:
        def read() -> str | None:
            with db.connect() as connection:
                return connection.scalar(select(messages.c.text).where(messages.c.id == conversation_id))

        async def stream() -> AsyncIterator[str]:
            yield "retry: 1000\n\n"
            text = await anyio.to_thread.run_sync(read)
            yield f"id: 1\nevent: received\ndata: {json.dumps({'text': text})}\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        return JSONResponse({"ok": True})

    return app


def main() -> None:
    import uvicorn

    port, processes = int(sys.argv[1]), int(sys.argv[2])
    settings = {"log_level": "warning", "timeout_graceful_shutdown": 5, "proxy_headers": False}
    if processes > 1:
        uvicorn.run(
            "web_baseline:build",
            factory=True,
            app_dir=str(Path(__file__).parent),
            host="127.0.0.1",
            port=port,
            workers=processes,
            **settings,
        )
    else:
        uvicorn.run(build(), host="127.0.0.1", port=port, **settings)


if __name__ == "__main__":
    main()

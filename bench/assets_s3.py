"""What botkit's S3 asset store costs over calling boto3 yourself, against moto's S3 server on
loopback (the wire protocol of a real bucket; absolute times are moto's, the ratio is ours).

    .venv/bin/python bench/assets_s3.py [--sizes 1,20] [--rounds 5]

Per file size: ``put`` (sha256 + upload + keep as the local copy) vs ``boto3 put_object``; a cold
``path`` (stream the object into another process's local copy) vs ``boto3 download_file``; and a
warm ``path`` (the local copy already there: what every later read of a video costs).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

from botkit.store.objects import S3AssetStore, open_asset_store


def timed(action, rounds: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for index in range(rounds):
        started = time.perf_counter()
        action(index)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(size_mb: float, root: Path, bucket: str, endpoint: str, client, rounds: int) -> list:  # type: ignore[no-untyped-def]
    payload = os.urandom(int(size_mb * 2**20))
    writer = open_asset_store(f"s3://{bucket}/bench", root / "writer", endpoint_url=endpoint)
    assert isinstance(writer, S3AssetStore)
    writer.client.list_objects_v2(Bucket=bucket, MaxKeys=1)  # the client made before timing

    def staged(index: int, tag: str) -> Path:
        path = root / f"{tag}-{index}.mp4"
        path.write_bytes(payload)
        return path

    sources = [staged(i, "a") for i in range(rounds)]
    ours_put = timed(lambda i: writer.put(sources[i], f"jobs/{size_mb}/{i}.mp4"), rounds)
    plain = [staged(i, "b") for i in range(rounds)]

    def boto_put(i: int) -> None:
        with plain[i].open("rb") as body:
            client.put_object(Bucket=bucket, Key=f"plain/{size_mb}/{i}.mp4", Body=body)

    boto_put_s = timed(boto_put, rounds)
    readers = [
        open_asset_store(f"s3://{bucket}/bench", root / f"reader-{size_mb}-{i}", endpoint_url=endpoint)
        for i in range(rounds)
    ]
    for reader in readers:
        reader.client.list_objects_v2(Bucket=bucket, MaxKeys=1)
    ours_get = timed(lambda i: readers[i].path(f"jobs/{size_mb}/{i}.mp4"), rounds)
    boto_get = timed(
        lambda i: client.download_file(bucket, f"plain/{size_mb}/{i}.mp4", str(root / f"dl-{i}.mp4")),
        rounds,
    )
    warm = timed(lambda i: readers[i].path(f"jobs/{size_mb}/{i}.mp4"), rounds)
    assert readers[0].path(f"jobs/{size_mb}/0.mp4").read_bytes() == payload
    return [
        (f"{size_mb:g} MB", "put (sha256 + upload)", ours_put, "boto3 put_object", boto_put_s),
        (f"{size_mb:g} MB", "path, cold (fetch)", ours_get, "boto3 download_file", boto_get),
        (f"{size_mb:g} MB", "path, warm (local copy)", warm, "boto3 download_file", boto_get),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,20", help="file sizes in MB, comma-separated")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "b",
        "AWS_SECRET_ACCESS_KEY": "b",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        os.environ.setdefault(name, value)
    bucket = f"bench-{uuid.uuid4().hex[:8]}"
    client = boto3.session.Session().client("s3", endpoint_url=endpoint)
    client.create_bucket(Bucket=bucket)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for size_mb in (float(part) for part in args.sizes.split(",")):
                rows += measure(size_mb, root, bucket, endpoint, client, args.rounds)
    finally:
        server.stop()
    print(f"\n{'size':>7}  {'botkit':<26}{'median':>10}  {'baseline':<22}{'median':>10}  ratio")
    for size, ours_name, ours, base_name, base in rows:
        print(
            f"{size:>7}  {ours_name:<26}{ours * 1000:>8.2f}ms  {base_name:<22}{base * 1000:>8.2f}ms  {ours / base:5.2f}x"
        )


if __name__ == "__main__":
    main()

"""An S3-compatible server on loopback for the tests: moto's server mode in a subprocess, with authentication on.

moto lets the first ``INITIAL_NO_AUTH_ACTION_COUNT`` requests through unchecked: those create an IAM user with an
S3 policy and its access key; every later request must be signed with that key, so wrong credentials are refused
as a real store refuses them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.support import free_port

_SETUP_CALLS = 3  # create_user, put_user_policy, create_access_key


@dataclass(frozen=True)
class S3Server:
    """Where the server listens, the key it accepts, and a bucket that exists."""

    endpoint: str
    access_key: str
    secret_key: str
    bucket: str

    def env(self, *, secret_key: str | None = None) -> dict[str, str]:
        """The standard AWS variables that point a client at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": secret_key or self.secret_key,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }


def _wait(endpoint: str, port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto's server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"moto's server did not answer on {endpoint}")


@contextmanager
def moto_server() -> Iterator[S3Server]:
    import boto3

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(_SETUP_CALLS)}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait(endpoint, port, process)
        iam = boto3.client(
            "iam", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="x"
        )
        iam.create_user(UserName="trellis")
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        iam.put_user_policy(UserName="trellis", PolicyName="s3", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="trellis")["AccessKey"]
        server = S3Server(endpoint, key["AccessKeyId"], key["SecretAccessKey"], bucket="exports")
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=server.access_key,
            aws_secret_access_key=server.secret_key,
        )
        s3.create_bucket(Bucket=server.bucket)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)

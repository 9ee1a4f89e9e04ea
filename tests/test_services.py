"""The test services themselves work: a real PostgreSQL and a real S3-compatible server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.services import ServiceUnavailable, postgres_cluster, s3_server


def _need(exc: ServiceUnavailable) -> None:
    if os.environ.get("CI"):
        raise exc
    pytest.skip(str(exc))


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    try:
        with postgres_cluster() as url:
            yield url
    except ServiceUnavailable as exc:
        _need(exc)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    try:
        with s3_server() as url:
            yield url
    except ServiceUnavailable as exc:
        _need(exc)


def test_postgres_cluster_answers_queries(postgres_url: str) -> None:
    """The throwaway cluster accepts a connection on loopback and runs SQL."""
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select 40 + 2")).scalar() == 42
        assert "127.0.0.1" in postgres_url
    engine.dispose()


def test_s3_server_stores_and_returns_an_object(s3_endpoint: str) -> None:
    """moto's server on loopback takes a put and gives the same bytes back."""
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )
    client.create_bucket(Bucket="probe")
    client.put_object(Bucket="probe", Key="a/b.txt", Body=b"hello")
    assert client.get_object(Bucket="probe", Key="a/b.txt")["Body"].read() == b"hello"

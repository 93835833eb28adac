"""Artifacts of a model version an alias points at cannot be deleted or overwritten through the S3 face,
just as /v1 and MLflow refuse it (issue 12): real boto3 and MLflow's REST registry calls."""
import json
import os
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import WharfServer


def mlflow(server, path, body, method="POST"):
    request = urllib.request.Request(server.url + "/api/2.0/mlflow/" + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"{}")


def denied(call, **kwargs):
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied", excinfo.value.response
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_aliased_artifacts_survive_s3_deletes_and_overwrites():
    server = WharfServer(os.environ["WHARF_BIN"])
    try:
        s3 = boto3.client("s3", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x",
                          config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
        try:
            s3.create_bucket(Bucket="mlflow-artifacts")
        except ClientError as error:
            assert error.response["Error"]["Code"] == "BucketAlreadyOwnedByYou"
        s3.put_object(Bucket="mlflow-artifacts", Key="models/churn/model.pkl", Body=b"pickled forest")
        s3.put_object(Bucket="mlflow-artifacts", Key="scratch/tmp.txt", Body=b"scratch")
        mlflow(server, "registered-models/create", {"name": "churn"})
        mlflow(server, "model-versions/create", {"name": "churn", "source": "mlflow-artifacts:/models/churn"})
        mlflow(server, "registered-models/alias", {"name": "churn", "alias": "champion", "version": "1"})

        denied(s3.delete_object, Bucket="mlflow-artifacts", Key="models/churn/model.pkl")
        denied(s3.put_object, Bucket="mlflow-artifacts", Key="models/churn/model.pkl", Body=b"overwritten")
        denied(s3.copy_object, Bucket="mlflow-artifacts", Key="models/churn/model.pkl",
               CopySource={"Bucket": "mlflow-artifacts", "Key": "scratch/tmp.txt"})
        answer = s3.delete_objects(Bucket="mlflow-artifacts", Delete={"Objects": [{"Key": "models/churn/model.pkl"}, {"Key": "scratch/tmp.txt"}]})
        assert [e["Key"] for e in answer.get("Errors", [])] == ["models/churn/model.pkl"]
        assert answer["Errors"][0]["Code"] == "AccessDenied"
        assert [d["Key"] for d in answer.get("Deleted", [])] == ["scratch/tmp.txt"]
        assert s3.get_object(Bucket="mlflow-artifacts", Key="models/churn/model.pkl")["Body"].read() == b"pickled forest"
        # Other objects of the bucket, and reads, are not affected; removing the alias lifts the protection.
        s3.put_object(Bucket="mlflow-artifacts", Key="models/other/x", Body=b"x")
        mlflow(server, "registered-models/alias", {"name": "churn", "alias": "champion"}, method="DELETE")
        s3.delete_object(Bucket="mlflow-artifacts", Key="models/churn/model.pkl")
        with pytest.raises(ClientError):
            s3.head_object(Bucket="mlflow-artifacts", Key="models/churn/model.pkl")
    finally:
        server.stop()

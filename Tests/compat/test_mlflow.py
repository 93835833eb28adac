"""The real `mlflow` client (3.x from PyPI) against Wharf's MLflow REST API, unchanged but for the tracking URI."""
import json
import math
import os
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

mlflow = pytest.importorskip("mlflow")
from mlflow.exceptions import MlflowException  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402


@pytest.fixture(scope="module")
def tracking(wharf):
    """Points the mlflow client at Wharf with the writer key; restores the environment afterwards."""
    saved = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN", "MLFLOW_HTTP_REQUEST_MAX_RETRIES")}
    os.environ["MLFLOW_TRACKING_TOKEN"] = wharf.writer[1]
    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
    mlflow.set_tracking_uri(wharf.url)
    yield wharf
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_tracking_registry_and_artifacts_end_to_end(tracking, tmp_path):
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    mlflow.set_experiment("compat-lead-scoring")
    rng = np.random.default_rng(7)
    features = pd.DataFrame({"visits": rng.integers(0, 40, 200).astype(float), "emails": rng.random(200)})
    labels = (features["visits"] + 10 * features["emails"] > 22).astype(int)
    model = LogisticRegression(max_iter=500).fit(features, labels)

    folder = tmp_path / "report"
    (folder / "nested").mkdir(parents=True)
    (folder / "summary.txt").write_text("auc is fine\n")
    nested_bytes = os.urandom(300_000)
    (folder / "nested" / "weights.bin").write_bytes(nested_bytes)
    single = tmp_path / "notes.md"
    single.write_text("# notes\n")

    with mlflow.start_run(run_name="lr-baseline") as run:
        run_id = run.info.run_id
        mlflow.log_param("max_depth", 6)
        mlflow.log_params({"learning_rate": 0.1, "model": "logreg"})
        for step, value in enumerate([0.61, 0.72, 0.80, 0.86]):
            mlflow.log_metric("auc", value, step=step)
        mlflow.log_metrics({"precision": 0.7, "recall": 0.65})
        mlflow.set_tag("stage", "prod")
        mlflow.log_artifact(str(single))
        mlflow.log_artifacts(str(folder), artifact_path="report")
        dataset = mlflow.data.from_pandas(features, name="leads")
        mlflow.log_input(dataset, context="training")
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name="compat-scorer", input_example=features.head(3))

    with mlflow.start_run(run_name="dev-run"):
        mlflow.log_param("max_depth", 3)
        mlflow.log_metric("auc", 0.5)
        mlflow.set_tag("stage", "dev")

    client = MlflowClient()
    fetched = client.get_run(run_id)
    assert fetched.info.status == "FINISHED"
    assert fetched.data.params == {"max_depth": "6", "learning_rate": "0.1", "model": "logreg"}
    assert fetched.data.metrics["auc"] == pytest.approx(0.86)
    assert fetched.data.metrics["recall"] == pytest.approx(0.65)
    assert fetched.data.tags["stage"] == "prod"
    assert fetched.data.tags["mlflow.runName"] == "lr-baseline"
    assert [d.dataset.name for d in fetched.inputs.dataset_inputs] == ["leads"]
    assert fetched.inputs.dataset_inputs[0].dataset.digest == dataset.digest

    history = client.get_metric_history(run_id, "auc")
    assert [m.step for m in history] == [0, 1, 2, 3]
    assert [m.value for m in history] == pytest.approx([0.61, 0.72, 0.80, 0.86])

    experiment = mlflow.get_experiment_by_name("compat-lead-scoring")
    found = mlflow.search_runs(
        experiment_ids=[experiment.experiment_id],
        filter_string="metrics.auc > 0.8 and params.max_depth = '6' and tags.stage != 'dev' and attributes.status = 'FINISHED'",
        order_by=["metrics.auc DESC"],
        output_format="list",
    )
    assert [r.info.run_id for r in found] == [run_id]
    ordered = mlflow.search_runs(experiment_ids=[experiment.experiment_id], order_by=["metrics.auc ASC"], output_format="list")
    assert [r.data.metrics["auc"] for r in ordered] == pytest.approx([0.5, 0.86])
    with pytest.raises(MlflowException) as malformed:
        mlflow.search_runs(experiment_ids=[experiment.experiment_id], filter_string="metrics.auc >> 1")
    assert "position" in str(malformed.value)

    top = {f.path for f in client.list_artifacts(run_id)}
    assert {"notes.md", "report"} <= top
    assert {f.path for f in client.list_artifacts(run_id, "report")} == {"report/summary.txt", "report/nested"}
    downloaded = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="report", dst_path=str(tmp_path / "down"))
    assert open(os.path.join(downloaded, "nested", "weights.bin"), "rb").read() == nested_bytes
    assert open(os.path.join(downloaded, "summary.txt")).read() == "auc is fine\n"

    version = client.get_latest_versions("compat-scorer")[0]
    assert version.version == "1"
    assert version.run_id == run_id
    client.set_registered_model_alias("compat-scorer", "champion", version.version)
    assert client.get_model_version_by_alias("compat-scorer", "champion").version == "1"
    staged = client.transition_model_version_stage("compat-scorer", version.version, "Production", archive_existing_versions=True)
    assert staged.current_stage == "Production"
    assert client.get_latest_versions("compat-scorer", stages=["Production"])[0].version == "1"

    loaded = mlflow.pyfunc.load_model("models:/compat-scorer@champion")
    assert list(loaded.predict(features)) == list(model.predict(features))
    assert info.model_uri.startswith("models:/")
    by_run = mlflow.sklearn.load_model(info.model_uri)
    assert list(by_run.predict_proba(features)[:, 1]) == pytest.approx(list(model.predict_proba(features)[:, 1]))


def test_changed_params_and_unknown_ids_are_refused(tracking):
    client = MlflowClient()
    experiment_id = client.create_experiment("compat-errors")
    run = client.create_run(experiment_id)
    client.log_param(run.info.run_id, "lr", "0.1")
    with pytest.raises(MlflowException) as changed:
        client.log_param(run.info.run_id, "lr", "0.2")
    assert changed.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "lr" in str(changed.value)
    with pytest.raises(MlflowException) as missing:
        client.get_run("0" * 32)
    assert missing.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException) as duplicate:
        client.create_experiment("compat-errors")
    assert duplicate.value.error_code == "RESOURCE_ALREADY_EXISTS"


def call(url, method="GET", body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_read_keys_cannot_write(tracking):
    api = tracking.url + "/api/2.0/mlflow"
    status, body = call(api + "/experiments/create", "POST", {"name": "by-reader"}, token=tracking.reader[1])
    assert status == 403
    assert body["error_code"] == "PERMISSION_DENIED"
    status, body = call(api + "/runs/search", "POST", {"experiment_ids": ["0"]}, token=tracking.reader[1])
    assert status == 200
    status, body = call(api + "/experiments/get?experiment_id=0")
    assert status == 401


@pytest.fixture(scope="module")
def postgres_server(wharf):
    """A second Wharf server on PostgreSQL (WHARF_TEST_POSTGRES_URL), open on loopback with no keys."""
    url = os.environ.get("WHARF_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("WHARF_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail("WHARF_TEST_POSTGRES_URL is required")
        pytest.skip("WHARF_TEST_POSTGRES_URL is not set")
    previous = os.environ.get("WHARF_DATABASE_URL")
    os.environ["WHARF_DATABASE_URL"] = url
    try:
        server = type(wharf)(wharf.binary)
    finally:
        if previous is None:
            os.environ.pop("WHARF_DATABASE_URL", None)
        else:
            os.environ["WHARF_DATABASE_URL"] = previous
    yield server
    server.stop()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_hundred_concurrent_clients_logging_to_one_run_lose_nothing(tracking, backend, request):
    if backend == "postgres":
        server = request.getfixturevalue("postgres_server")
        token = None
    else:
        server = tracking
        token = tracking.writer[1]
    api = server.url + "/api/2.0/mlflow"
    status, created = call(api + "/runs/create", "POST", {"experiment_id": "0", "run_name": "concurrency"}, token=token)
    assert status == 200
    run_id = created["run"]["info"]["run_id"]
    barrier = threading.Barrier(100)

    def client(index):
        barrier.wait()
        for i in range(5):
            value = index * 1000 + i
            status, body = call(api + "/runs/log-metric", "POST",
                                {"run_id": run_id, "key": "loss", "value": value, "timestamp": 1, "step": index * 5 + i}, token=token)
            assert status == 200, body
        status, body = call(api + "/runs/log-batch", "POST",
                            {"run_id": run_id, "metrics": [{"key": f"client{index}", "value": float(j), "timestamp": 2, "step": j} for j in range(10)]},
                            token=token)
        assert status == 200, body

    with ThreadPoolExecutor(max_workers=100) as pool:
        list(pool.map(client, range(100)))

    status, history = call(api + f"/metrics/get-history?run_id={run_id}&metric_key=loss", token=token)
    values = sorted(m["value"] for m in history["metrics"])
    assert values == sorted(index * 1000 + i for index in range(100) for i in range(5))
    status, run = call(api + f"/runs/get?run_id={run_id}", token=token)
    metrics = {m["key"]: m for m in run["run"]["data"]["metrics"]}
    assert len(metrics) == 101
    assert metrics["loss"]["step"] == 499
    assert all(metrics[f"client{i}"]["value"] == 9 for i in range(100))


def test_cli_shows_and_plots_runs(tracking, tmp_path):
    client = MlflowClient()
    experiment_id = client.create_experiment("compat-cli")
    run = client.create_run(experiment_id, run_name="cli-run")
    for step in range(20):
        client.log_metric(run.info.run_id, "auc", 0.5 + step / 50, step=step)
    client.log_param(run.info.run_id, "max_depth", "6")
    key = tracking.writer[1]
    shown = tracking.cli("runs", "show", run.info.run_id, key=key).stdout
    assert "max_depth" in shown and "auc" in shown
    assert any(block in shown for block in "▁▂▃▄▅▆▇█")
    svg = tmp_path / "auc.svg"
    tracking.cli("runs", "plot", run.info.run_id, "--metric", "auc", "--output", str(svg), key=key)
    text = svg.read_text()
    assert text.startswith("<svg") and "<polyline" in text
    listed = json.loads(tracking.cli("runs", "search", "-e", "compat-cli", "--filter", "params.max_depth = '6'", "--json", key=key).stdout)
    assert [r["info"]["runId"] for r in listed["runs"]] == [run.info.run_id]
    missing = tracking.cli("runs", "show", "f" * 32, key=key, check=False)
    assert missing.returncode == 3
    denied = tracking.cli("experiments", "create", "by-reader", key=tracking.reader[1], check=False)
    assert denied.returncode == 4
    tracking.cli("models", "create", "cli-model", key=key)
    tracking.cli("models", "register", "cli-model", "--source", f"runs:/{run.info.run_id}/model", key=key)
    tracking.cli("models", "alias", "set", "cli-model", "champion", "1", key=key)
    shown = json.loads(tracking.cli("models", "show", "cli-model", "--json", key=key).stdout)
    assert shown["model"]["aliases"] == [{"alias": "champion", "version": "1"}]
    tracking.cli("models", "alias", "remove", "cli-model", "champion", key=key)
    assert json.loads(tracking.cli("models", "show", "cli-model", "--json", key=key).stdout)["model"]["aliases"] == []


def test_experiment_search_logged_models_and_sampled_history(tracking):
    client = MlflowClient()
    for name, team in [("compat-search-a", "growth"), ("compat-search-b", "risk"), ("compat-search-c", "growth")]:
        client.create_experiment(name, tags={"team": team})
    found = client.search_experiments(filter_string="name LIKE 'compat-search-%' AND tags.team = 'growth'", order_by=["name DESC"])
    assert [e.name for e in found] == ["compat-search-c", "compat-search-a"]
    paged = client.search_experiments(filter_string="attributes.name LIKE 'compat-search-%'", order_by=["name ASC"], max_results=2)
    assert [e.name for e in paged] == ["compat-search-a", "compat-search-b"] and paged.token
    rest = client.search_experiments(filter_string="attributes.name LIKE 'compat-search-%'", order_by=["name ASC"], max_results=2, page_token=paged.token)
    assert [e.name for e in rest] == ["compat-search-c"]
    with pytest.raises(MlflowException, match="order_by"):
        client.search_experiments(order_by=["tags.team"])

    experiment_id = client.get_experiment_by_name("compat-search-a").experiment_id
    mlflow.set_experiment(experiment_id=experiment_id)
    with mlflow.start_run() as run:
        good = mlflow.initialize_logged_model(name="good", tags={"kind": "gbdt"})
        weak = mlflow.initialize_logged_model(name="weak")
        mlflow.log_metric("accuracy", 0.93, step=1, model_id=good.model_id)
        mlflow.log_metric("accuracy", 0.55, step=1, model_id=weak.model_id)
        for step in range(100):
            mlflow.log_metric("train/loss", 1 / (step + 1), step=step)
    models = mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="metrics.accuracy > 0.9", output_format="list")
    assert [m.name for m in models] == ["good"]
    assert client.get_logged_model(good.model_id).metrics[0].value == pytest.approx(0.93)
    assert [m.name for m in mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="tags.kind = 'gbdt'", output_format="list")] == ["good"]
    client.delete_logged_model(weak.model_id)
    with pytest.raises(MlflowException):
        client.get_logged_model(weak.model_id)
    names = [m.name for m in mlflow.search_logged_models(experiment_ids=[experiment_id], output_format="list")]
    assert "weak" not in names and "good" in names

    api = tracking.url + "/api/2.0/mlflow"
    status, sample = call(api + f"/metrics/get-history-bulk-interval?run_ids={run.info.run_id}&metric_key=train/loss&max_results=10", token=tracking.writer[1])
    assert status == 200
    steps = [m["step"] for m in sample["metrics"]]
    assert len(steps) == 10 and steps[0] == 0 and steps[-1] == 99 and steps == sorted(steps)
    assert all(m["run_id"] == run.info.run_id and m["key"] == "train/loss" for m in sample["metrics"])
    status, error = call(api + f"/metrics/get-history-bulk-interval?run_ids={run.info.run_id}&metric_key=train/loss&start_step=3", token=tracking.writer[1])
    assert status == 400 and error["error_code"] == "INVALID_PARAMETER_VALUE"

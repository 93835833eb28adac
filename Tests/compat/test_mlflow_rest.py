"""MLflow's own REST behaviour (as `mlflow server` 3.17.2 answers), held against Wharf with the real mlflow
client on both metadata backends: SQLite with a folder, and PostgreSQL with S3 (moto) as a scaled-out
server runs. Each test runs once per backend."""
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

mlflow = pytest.importorskip("mlflow")
from mlflow.exceptions import MlflowException  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

from conftest import WharfServer, scaled_out_backends  # noqa: E402


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request):
    """A Wharf server on the parameter's backend, closed by its first key; the mlflow client points at it."""
    binary = os.environ.get("WHARF_BIN")
    if not binary:
        pytest.fail("WHARF_BIN must name the wharf binary (scripts/test sets it)")
    if request.param == "sqlite":
        wharf = WharfServer(binary)
    else:
        args, env, _, _ = scaled_out_backends("mlflow_rest_", "ef" * 32)
        wharf = WharfServer(binary, args=args, env=env)
    wharf.backend = request.param
    wharf.admin = wharf.create_key("admin", "rest-admin")
    wharf.writer = wharf.create_key("write", "rest-writer", admin_secret=wharf.admin[1])
    saved = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN", "MLFLOW_HTTP_REQUEST_MAX_RETRIES")}
    os.environ["MLFLOW_TRACKING_URI"] = wharf.url
    os.environ["MLFLOW_TRACKING_TOKEN"] = wharf.writer[1]
    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
    mlflow.set_tracking_uri(wharf.url)
    yield wharf
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    wharf.stop()


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def raw(server, path, method="GET", body=None, headers=None, token=True):
    """One HTTP call: (status, headers, body bytes)."""
    data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(server.url + path, data=data, method=method)
    if body is not None and not isinstance(body, bytes):
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if token:
        request.add_header("Authorization", "Bearer " + server.writer[1])
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def api(server, path, method="GET", body=None, root="/api/2.0/mlflow"):
    status, _, data = raw(server, root + path, method, body)
    return status, json.loads(data or b"{}")


# --- query strings ------------------------------------------------------------------------------------


def test_names_with_spaces_and_unicode_resolve_through_get_parameters(server):
    client = MlflowClient()
    spaced = unique("My Lead Exp")
    accented = unique("Été — scoring ✓")
    spaced_id = client.create_experiment(spaced)
    client.create_experiment(accented)
    assert mlflow.get_experiment_by_name(spaced).experiment_id == spaced_id
    assert mlflow.get_experiment_by_name(accented).name == accented
    assert mlflow.set_experiment(spaced).experiment_id == spaced_id  # an existing one, not a second
    # The client sends GET arguments form-encoded: a space is `+`.
    query = urllib.parse.urlencode({"experiment_name": spaced})
    assert "+" in query
    status, body = api(server, "/experiments/get-by-name?" + query)
    assert status == 200 and body["experiment"]["experiment_id"] == spaced_id
    prefix = spaced.rsplit("-", 1)[0]
    status, body = api(server, "/experiments/search?" + urllib.parse.urlencode({"filter": f"name LIKE '{prefix}%'", "max_results": 10}))
    assert status == 200, body
    assert [e["name"] for e in body["experiments"]] == [spaced]
    model = unique("lead scorer")
    client.create_registered_model(model)
    assert client.get_registered_model(model).name == model


# --- registry search -------------------------------------------------------------------------------------


def test_registry_search_takes_mlflows_grammar_order_and_pages(server):
    client = MlflowClient()
    base = unique("reg")
    for suffix, team in [("alpha", "growth"), ("beta", "risk"), ("gamma", "growth"), ("Delta", "ops")]:
        client.create_registered_model(f"{base}-{suffix}", tags={"team": team, "mlflow.note": "x"})
    # The 3.17 client adds tags.`mlflow.prompt.is_prompt` != 'true' to every search.
    assert {m.name for m in client.search_registered_models()} >= {f"{base}-alpha", f"{base}-beta"}
    names = lambda models: [m.name for m in models]  # noqa: E731
    assert names(client.search_registered_models(f"name LIKE '{base}-%'")) == [f"{base}-Delta", f"{base}-alpha", f"{base}-beta", f"{base}-gamma"]
    assert names(client.search_registered_models(f"name ILIKE '{base}-d%'")) == [f"{base}-Delta"]
    assert names(client.search_registered_models(f"name LIKE '{base}-%' AND tags.team = 'growth'")) == [f"{base}-alpha", f"{base}-gamma"]
    assert names(client.search_registered_models(f"name LIKE '{base}-%' AND tag.`team` != 'growth'")) == [f"{base}-Delta", f"{base}-beta"]
    assert names(client.search_registered_models(f"name LIKE '{base}-%' AND tags.`team` LIKE 'gr%'", order_by=["name DESC"])) == [f"{base}-gamma", f"{base}-alpha"]
    assert names(client.search_registered_models(f"name = '{base}-beta'")) == [f"{base}-beta"]
    assert names(client.search_registered_models(f"name != '{base}-beta' AND name LIKE '{base}-%' AND tags.`mlflow.note` = 'x'")) == [
        f"{base}-Delta", f"{base}-alpha", f"{base}-gamma"]
    first = client.search_registered_models(f"name LIKE '{base}-%'", max_results=3, order_by=["name ASC"])
    assert names(first) == [f"{base}-Delta", f"{base}-alpha", f"{base}-beta"] and first.token
    rest = client.search_registered_models(f"name LIKE '{base}-%'", max_results=3, order_by=["name ASC"], page_token=first.token)
    assert names(rest) == [f"{base}-gamma"] and not rest.token
    newest = client.search_registered_models(f"name LIKE '{base}-%'", order_by=["last_updated_timestamp DESC"], max_results=1)
    assert names(newest) == [f"{base}-Delta"]
    with pytest.raises(MlflowException) as bad:
        client.search_registered_models("description = 'x'")
    assert bad.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as bad_order:
        client.search_registered_models(order_by=["tags.team"])
    assert bad_order.value.error_code == "INVALID_PARAMETER_VALUE"

    experiment_id = client.create_experiment(unique("reg-runs"))
    runs = [client.create_run(experiment_id) for _ in range(2)]
    model = f"{base}-alpha"
    for i, run in enumerate([runs[0], runs[0], runs[1]]):
        client.create_model_version(model, f"runs:/{run.info.run_id}/model{i}", run_id=run.info.run_id, tags={"stage": "prod" if i == 2 else "dev"})
    versions = lambda found: sorted(int(v.version) for v in found)  # noqa: E731
    assert versions(client.search_model_versions(f"name = '{model}'")) == [1, 2, 3]
    assert versions(client.search_model_versions(f"run_id = '{runs[0].info.run_id}'")) == [1, 2]
    assert versions(client.search_model_versions(f"name = '{model}' AND run_id IN ('{runs[1].info.run_id}')")) == [3]
    assert versions(client.search_model_versions(f"source_path = 'runs:/{runs[0].info.run_id}/model1'")) == [2]
    assert versions(client.search_model_versions(f"name = '{model}' AND version_number > 1")) == [2, 3]
    assert versions(client.search_model_versions(f"name = '{model}' AND version_number = 2")) == [2]
    assert versions(client.search_model_versions(f"name = '{model}' AND tags.`stage` = 'prod'")) == [3]
    assert versions(client.search_model_versions(f"name = '{model}' AND tag.stage != 'prod'")) == [1, 2]
    ordered = client.search_model_versions(f"name = '{model}'", order_by=["version_number ASC"], max_results=2)
    assert [v.version for v in ordered] == ["1", "2"] and ordered.token
    assert [v.version for v in client.search_model_versions(f"name = '{model}'", order_by=["version_number ASC"], max_results=2, page_token=ordered.token)] == ["3"]
    assert [v.version for v in client.search_model_versions(f"name = '{model}'")] == ["3", "2", "1"]
    with pytest.raises(MlflowException) as bad_attribute:
        client.search_model_versions("creation_timestamp > 0")
    assert bad_attribute.value.error_code == "INVALID_PARAMETER_VALUE"


def test_prompts_are_left_out_of_model_search_unless_asked(server):
    client = MlflowClient()
    plain = unique("plain-model")
    prompt = unique("a-prompt")
    client.create_registered_model(plain)
    # The client refuses to make prompts as models; mlflow.genai does it with this call.
    status, _ = api(server, "/registered-models/create", "POST", {"name": prompt, "tags": [{"key": "mlflow.prompt.is_prompt", "value": "true"}]})
    assert status == 200
    found = {m.name for m in client.search_registered_models(max_results=1000)}
    assert plain in found and prompt not in found
    status, body = api(server, "/registered-models/search", "POST", {"filter": "tags.`mlflow.prompt.is_prompt` = 'true'", "max_results": 1000})
    assert status == 200 and prompt in [m["name"] for m in body["registered_models"]]
    assert plain not in [m["name"] for m in body["registered_models"]]


# --- endpoints that were missing ----------------------------------------------------------------------------


def test_tag_deletion_rename_artifact_list_version_and_bulk_history(server, tmp_path):
    client = MlflowClient()
    name = unique("renamed-from")
    client.create_registered_model(name, tags={"keep": "1", "drop": "2"})
    client.delete_registered_model_tag(name, "drop")
    client.delete_registered_model_tag(name, "never-set")  # as on mlflow server: no error
    assert client.get_registered_model(name).tags == {"keep": "1"}
    experiment_id = client.create_experiment(unique("endpoints"), tags={"a": "1", "b": "2"})
    run = client.create_run(experiment_id)
    client.create_model_version(name, f"runs:/{run.info.run_id}/model", run_id=run.info.run_id, tags={"t": "v"})
    client.delete_model_version_tag(name, "1", "t")
    assert client.get_model_version(name, "1").tags == {}
    client.set_registered_model_alias(name, "champion", "1")
    new_name = unique("renamed-to")
    client.rename_registered_model(name, new_name)  # the client returns nothing; the REST answer holds the model
    assert client.get_registered_model(new_name).name == new_name
    assert client.get_model_version_by_alias(new_name, "champion").version == "1"
    assert client.get_registered_model(new_name).tags == {"keep": "1"}
    with pytest.raises(MlflowException) as gone:
        client.get_registered_model(name)
    assert gone.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    other = unique("taken")
    client.create_registered_model(other)
    with pytest.raises(MlflowException) as taken:
        client.rename_registered_model(new_name, other)
    assert taken.value.error_code == "RESOURCE_ALREADY_EXISTS"
    assert client.create_model_version(new_name, f"runs:/{run.info.run_id}/model", run_id=run.info.run_id).version == "2"

    client.delete_experiment_tag(experiment_id, "a")
    assert client.get_experiment(experiment_id).tags == {"b": "2"}
    with pytest.raises(MlflowException) as no_tag:
        client.delete_experiment_tag(experiment_id, "a")
    assert no_tag.value.error_code == "RESOURCE_DOES_NOT_EXIST"

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    client.log_artifact(run.info.run_id, str(tmp_path / "a.txt"))
    client.log_artifacts(run.info.run_id, str(tmp_path / "sub"), artifact_path="sub")
    status, body = api(server, "/artifacts/list?" + urllib.parse.urlencode({"run_id": run.info.run_id}))
    assert status == 200
    assert body["root_uri"] == run.info.artifact_uri
    assert sorted((f["path"], f["is_dir"]) for f in body["files"]) == [("a.txt", False), ("sub", True)]
    status, body = api(server, "/artifacts/list?" + urllib.parse.urlencode({"run_id": run.info.run_id, "path": "sub"}))
    assert [(f["path"], int(f["file_size"])) for f in body["files"]] == [("sub/b.txt", 1)]

    status, headers, text = raw(server, "/version")
    assert status == 200 and text.decode() == "3.17.2"
    from mlflow.store.tracking.rest_store import RestStore
    assert str(RestStore._get_server_version(client._tracking_client.store.get_host_creds())) == "3.17.2"
    status, info = api(server, "/server-info", root="/api/3.0/mlflow")
    assert status == 200 and info["store_type"] == "SqlStore" and info["multipart_uploads_enabled"] is False

    second = client.create_run(experiment_id)
    for r, values in [(run, [0.5, 0.6]), (second, [0.1])]:
        for step, value in enumerate(values):
            client.log_metric(r.info.run_id, "auc", value, step=step, timestamp=1000 + step)
    query = urllib.parse.urlencode([("run_id", run.info.run_id), ("run_id", second.info.run_id), ("metric_key", "auc")])
    status, body = api(server, "/metrics/get-history-bulk?" + query, root="/ajax-api/2.0/mlflow")
    assert status == 200, body
    got = sorted((m["run_id"], m["step"], m["value"]) for m in body["metrics"])
    assert got == sorted([(run.info.run_id, 0, 0.5), (run.info.run_id, 1, 0.6), (second.info.run_id, 0, 0.1)])
    status, body = api(server, "/metrics/get-history-bulk?metric_key=auc")
    assert status == 400 and body["error_code"] == "INVALID_PARAMETER_VALUE"


def test_versions_and_logged_models_may_name_a_run_wharf_does_not_hold(server):
    client = MlflowClient()
    name = unique("foreign-run")
    client.create_registered_model(name)
    foreign = uuid.uuid4().hex
    version = client.create_model_version(name, f"runs:/{foreign}/model", run_id=foreign)
    assert version.version == "1" and version.run_id == foreign and version.source == f"runs:/{foreign}/model"
    experiment_id = client.create_experiment(unique("foreign-run"))
    model = client.create_logged_model(experiment_id, name="elsewhere", source_run_id=foreign)
    assert model.source_run_id == foreign
    assert client.get_logged_model(model.model_id).source_run_id == foreign


# --- validation and error wording ---------------------------------------------------------------------------


def test_types_are_validated_and_errors_use_mlflows_wording_and_shape(server):
    client = MlflowClient()
    run = client.create_run(client.create_experiment(unique("validation")))
    status, body = api(server, "/runs/log-parameter", "POST", {"run_id": 123, "key": "k", "value": "v"})
    assert status == 400 and body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "Invalid value 123 for parameter 'run_id' supplied" in body["message"]
    status, body = api(server, "/runs/log-parameter", "POST", {"run_id": run.info.run_id, "key": 7, "value": "v"})
    assert status == 400 and "parameter 'key'" in body["message"]
    status, body = api(server, "/experiments/create", "POST", {"name": 5})
    assert status == 400 and body["error_code"] == "INVALID_PARAMETER_VALUE" and "parameter 'name'" in body["message"]
    status, body = api(server, "/runs/log-parameter", "POST", {"key": "k", "value": "v"})
    assert status == 400 and body["message"].startswith("Missing value for required parameter 'run_id'.")
    missing = uuid.uuid4().hex
    with pytest.raises(MlflowException) as not_found:
        client.get_run(missing)
    assert not_found.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert f"Run '{missing}' not found" in not_found.value.message
    status, body = api(server, "/runs/log-parameter", "POST", {"run_id": run.info.run_id, "key": "lr", "value": "0.1"})
    status, body = api(server, "/runs/log-parameter", "POST", {"run_id": run.info.run_id, "key": "lr", "value": "0.2"})
    assert status == 400 and body["error_code"] == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as duplicate:
        client.create_registered_model(client.create_registered_model(unique("dup")).name)
    assert duplicate.value.error_code == "RESOURCE_ALREADY_EXISTS"
    for root in ["/api/3.0/mlflow", "/ajax-api/3.0/mlflow"]:
        status, body = api(server, "/traces/search", "POST", {"experiment_ids": ["0"]}, root=root)
        assert status == 404 and body["error_code"] == "ENDPOINT_NOT_FOUND" and "message" in body and "error" not in body
    status, body = api(server, "/no-such-call")
    assert status == 404 and body["error_code"] == "ENDPOINT_NOT_FOUND"


# --- datasets, logged-model search, artifact locations ------------------------------------------------------


def test_dataset_tags_logged_model_dataset_filter_and_relative_artifact_location(server):
    import pandas as pd

    client = MlflowClient()
    experiment_id = client.create_experiment(unique("datasets"))
    mlflow.set_experiment(experiment_id=experiment_id)
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0, 1, 0]})
    train = mlflow.data.from_pandas(frame, name="train")
    evaluation = mlflow.data.from_pandas(frame.head(2), name="eval")
    with mlflow.start_run() as run:
        mlflow.log_input(train, context="training", tags={"split": "80/20", "owner": "growth"})
        on_eval = mlflow.initialize_logged_model(name="on-eval")
        on_train = mlflow.initialize_logged_model(name="on-train")
        mlflow.log_metric("accuracy", 0.91, model_id=on_eval.model_id, dataset=evaluation)
        mlflow.log_metric("accuracy", 0.95, model_id=on_train.model_id, dataset=train)
    inputs = {d.dataset.name: d for d in client.get_run(run.info.run_id).inputs.dataset_inputs}
    tags = {t.key: t.value for t in inputs["train"].tags}
    assert tags == {"mlflow.data.context": "training", "split": "80/20", "owner": "growth"}
    found = mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="metrics.accuracy > 0.9",
                                        datasets=[{"dataset_name": "eval"}], output_format="list")
    assert [m.name for m in found] == ["on-eval"]
    found = mlflow.search_logged_models(experiment_ids=[experiment_id], datasets=[{"dataset_name": "train", "dataset_digest": train.digest}],
                                        output_format="list")
    assert [m.name for m in found] == ["on-train"]
    assert mlflow.search_logged_models(experiment_ids=[experiment_id], datasets=[{"dataset_name": "train", "dataset_digest": "nope"}],
                                       output_format="list") == []

    relative = f"relative/{uuid.uuid4().hex[:6]}"
    located = client.get_experiment(client.create_experiment(unique("relative"), artifact_location=relative))
    assert located.artifact_location == os.path.join(os.getcwd(), relative)
    with pytest.raises(MlflowException) as runs_uri:
        client.create_experiment(unique("runs-uri"), artifact_location="runs:/abc/x")
    assert runs_uri.value.error_code == "INVALID_PARAMETER_VALUE"


# --- artifact downloads --------------------------------------------------------------------------------------


def test_artifact_downloads_send_mlflows_headers(server):
    client = MlflowClient()
    run = client.create_run(client.create_experiment(unique("downloads")))
    root = "/api/2.0/mlflow-artifacts/artifacts/" + run.info.artifact_uri.split("mlflow-artifacts:/", 1)[1]
    cases = {
        "notes.txt": ("text/plain", "attachment; filename=notes.txt"),
        "metrics.json": ("text/plain", "attachment; filename=metrics.json"),
        "plot.png": ("image/png", "attachment; filename=plot.png"),
        "report.html": ("text/html", "attachment; filename=report.html"),
        "MLmodel": ("text/plain", "attachment; filename=MLmodel"),
        "weights.bin": ("application/octet-stream", "attachment; filename=weights.bin"),
        "two words.csv": ("text/plain", 'attachment; filename="two words.csv"'),
        "résumé.md": ("text/plain", "attachment; filename=resume.md; filename*=UTF-8''r%C3%A9sum%C3%A9.md"),
    }
    for name in cases:
        # The uploader's own type is not kept: `evil` text sent as HTML still comes back as its extension says.
        status, _, _ = raw(server, root + "/" + urllib.parse.quote(name), "PUT", b"<script>alert(1)</script>", headers={"Content-Type": "text/html"})
        assert status == 200
    for name, (content_type, disposition) in cases.items():
        status, headers, body = raw(server, root + "/" + urllib.parse.quote(name), headers={"Accept": "text/html"})
        assert status == 200 and body == b"<script>alert(1)</script>"
        assert headers["Content-Type"] == content_type, name
        assert headers["Content-Disposition"] == disposition, name
        assert headers["X-Content-Type-Options"] == "nosniff"
    downloaded = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="notes.txt")
    assert open(downloaded, "rb").read() == b"<script>alert(1)</script>"


def test_artifact_paths_the_store_refuses_are_400_not_500(server):
    client = MlflowClient()
    run = client.create_run(client.create_experiment(unique("bad-paths")))
    root = "/api/2.0/mlflow-artifacts/artifacts/" + run.info.artifact_uri.split("mlflow-artifacts:/", 1)[1]
    for bad in ["a" * 1100 + ".txt", "tab%09name.txt", "bell%07.txt"]:
        for method, body in [("PUT", b"x"), ("GET", None)]:
            status, _, data = raw(server, root + "/" + bad, method, body)
            assert status == 400, (bad[:20], method, status, data[:200])
            assert json.loads(data)["error_code"] == "INVALID_PARAMETER_VALUE"
    status, _, data = raw(server, "/api/2.0/mlflow-artifacts/artifacts?path=" + "b" * 1100)
    assert status == 400 and json.loads(data)["error_code"] == "INVALID_PARAMETER_VALUE"


# --- models:/ URIs -------------------------------------------------------------------------------------------


def test_models_uris_resolve_stages_in_any_case_and_through_models_sources(server):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    client = MlflowClient()
    mlflow.set_experiment(unique("models-uri"))
    rng = np.random.default_rng(3)
    features = rng.random((60, 3))
    labels = (features[:, 0] > 0.5).astype(int)
    estimator = LogisticRegression().fit(features, labels)
    name = unique("staged")
    with mlflow.start_run() as run:
        mlflow.sklearn.log_model(estimator, name="model", registered_model_name=name)
    client.transition_model_version_stage(name, "1", "Production")
    expected = list(estimator.predict(features))
    for uri in [f"models:/{name}/Production", f"models:/{name}/production", f"models:/{name}/1"]:
        assert list(mlflow.pyfunc.load_model(uri).predict(features)) == expected, uri

    copy = unique("copied")
    client.create_registered_model(copy)
    chained = client.create_model_version(copy, f"models:/{name}/Production")
    assert chained.source == f"models:/{name}/1"
    assert chained.run_id == run.info.run_id
    assert list(mlflow.pyfunc.load_model(f"models:/{copy}/{chained.version}").predict(features)) == expected
    client.set_registered_model_alias(copy, "champion", chained.version)
    assert list(mlflow.pyfunc.load_model(f"models:/{copy}@champion").predict(features)) == expected
    with pytest.raises(MlflowException) as no_stage:
        client.create_model_version(copy, f"models:/{name}/Staging")
    assert no_stage.value.error_code == "RESOURCE_DOES_NOT_EXIST"


# --- the mlflow CLI ----------------------------------------------------------------------------------------


def test_mlflow_cli_experiments_and_runs_commands(server, tmp_path):
    cli = os.path.join(os.path.dirname(sys.executable), "mlflow")
    env = dict(os.environ, MLFLOW_TRACKING_URI=server.url, MLFLOW_TRACKING_TOKEN=server.writer[1])

    def run(*args):
        done = subprocess.run([cli, *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    name = unique("cli exp")
    created = run("experiments", "create", "-n", name)
    experiment_id = created.strip().split()[-1]
    assert json.loads(run("experiments", "get", "-n", name, "--output", "json"))["name"] == name
    assert name in run("experiments", "search")
    renamed = name + " renamed"
    run("experiments", "rename", "-x", experiment_id, "--new-name", renamed)
    assert MlflowClient().get_experiment(experiment_id).name == renamed
    run("runs", "create", "--experiment-id", experiment_id, "--run-name", "from-cli", "--status", "finished")
    listed = run("runs", "list", "--experiment-id", experiment_id)
    assert "from-cli" in listed
    run_id = MlflowClient().search_runs([experiment_id])[0].info.run_id
    described = json.loads(run("runs", "describe", "--run-id", run_id))
    assert described["info"]["run_id"] == run_id and described["info"]["status"] == "FINISHED"
    run("runs", "delete", "--run-id", run_id)
    assert MlflowClient().get_run(run_id).info.lifecycle_stage == "deleted"
    run("runs", "restore", "--run-id", run_id)
    csv = tmp_path / "runs.csv"
    run("experiments", "csv", "-x", experiment_id, "-o", str(csv))
    assert run_id in csv.read_text()
    run("experiments", "delete", "-x", experiment_id)
    assert MlflowClient().get_experiment(experiment_id).lifecycle_stage == "deleted"
    run("experiments", "restore", "-x", experiment_id)


# --- ids under concurrency -----------------------------------------------------------------------------------


def test_concurrent_creators_get_distinct_ids(server):
    prefix = unique("concurrent")
    model = prefix + "-model"
    status, _ = api(server, "/registered-models/create", "POST", {"name": model})
    assert status == 200
    barrier = threading.Barrier(24)

    def create(i):
        barrier.wait()
        s1, experiment = api(server, "/experiments/create", "POST", {"name": f"{prefix}-{i}"})
        s2, version = api(server, "/model-versions/create", "POST", {"name": model, "source": f"s3://bucket/model-{i}"})
        s3, duplicate = api(server, "/registered-models/create", "POST", {"name": prefix + "-same"})
        return s1, experiment, s2, version, s3, duplicate

    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(create, range(24)))
    assert all(r[0] == 200 and r[2] == 200 for r in results), [r for r in results if r[0] != 200 or r[2] != 200][:3]
    assert len({r[1]["experiment_id"] for r in results}) == 24
    assert sorted(int(r[3]["model_version"]["version"]) for r in results) == list(range(1, 25))
    assert sorted(r[4] for r in results) == [200] + [400] * 23
    assert all(r[5]["error_code"] == "RESOURCE_ALREADY_EXISTS" for r in results if r[4] == 400)

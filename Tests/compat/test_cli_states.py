"""`wharf states validate|run` as a user runs them: exit codes, one JSON object with --json, mocks."""
import json
import os
import subprocess

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def wharf(*args):
    return subprocess.run([os.environ["WHARF_BIN"], "states", *args], capture_output=True, text=True)


def test_scones_workflow_with_mocked_lambdas():
    definition = os.path.join(FIXTURES, "scones-states.json")
    mocks = os.path.join(FIXTURES, "scones-mocks.json")
    ok = wharf("run", definition, "--mock-config", mocks, "--test-case", "Confident", "--json", "--virtual-time",
               "--input-string", '{"s3_key": "test/bike.png"}')
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"status": "SUCCEEDED", "output": {"inferences": [0.93, 0.07]}}
    unsure = wharf("run", definition, "--mock-config", mocks, "--test-case", "Unsure", "--json", "--history", "--virtual-time")
    assert unsure.returncode == 1
    result = json.loads(unsure.stdout)
    assert result["status"] == "FAILED" and result["error"] == "LowConfidence"
    types = [event["type"] for event in result["history"]]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionFailed"
    assert types.count("TaskFailed") == 2  # the first serialisation attempt is retried, the filter fails
    timeline = wharf("run", definition, "--mock-config", mocks, "--test-case", "Confident", "--virtual-time")
    assert timeline.returncode == 0 and "Classification" in timeline.stdout


def test_invalid_definitions_and_input(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"StartAt": "A", "States": {
        "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "Missing"}], "Default": "B"},
        "B": {"Type": "Pass", "Next": "C"}}}))
    checked = wharf("validate", str(bad))
    assert checked.returncode == 1
    assert 'States.A.Choices[0].Next: no state named "Missing"' in checked.stdout + checked.stderr
    assert "States.B.Next" in checked.stdout + checked.stderr
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ok": True}, "End": True}}}))
    assert wharf("validate", str(good)).returncode == 0
    assert wharf("run", str(bad), "--json").returncode == 2
    assert wharf("run", str(good), "--input-string", "{not json", "--json").returncode == 2
    missing_mock = wharf("run", os.path.join(FIXTURES, "scones-states.json"), "--json", "--virtual-time")
    assert missing_mock.returncode == 1
    assert "SerializeImageData" in missing_mock.stdout + missing_mock.stderr

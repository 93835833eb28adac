"""`wharf env` prints export lines that send boto3 and the AWS CLI to Wharf; `--sagemaker` also writes the
SageMaker SDK's config file with the SDK's default bucket name for this installation and telemetry off."""
import os
import subprocess


def env_lines(wharf, creds, *args, home):
    env = dict(os.environ, WHARF_URL=wharf.url, WHARF_ACCESS_KEY_ID=creds[0], WHARF_API_KEY=creds[1], HOME=str(home))
    return subprocess.run([wharf.binary, "env", *args], env=env, capture_output=True, text=True)


def test_wharf_env_exports_work_for_the_aws_cli(wharf, tmp_path):
    result = env_lines(wharf, wharf.writer, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"export AWS_ENDPOINT_URL='{wharf.url}'" in result.stdout
    assert f"export AWS_ACCESS_KEY_ID='{wharf.writer[0]}'" in result.stdout
    script = result.stdout + "\naws sts get-caller-identity --query Arn --output text\n"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    shell = subprocess.run(["bash", "-c", script], env=clean, capture_output=True, text=True)
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.strip().endswith(f":user/{wharf.writer[0]}")


def test_wharf_env_sagemaker_writes_the_sdk_config(wharf, tmp_path):
    result = env_lines(wharf, wharf.reader, "--sagemaker", home=tmp_path)
    assert result.returncode == 0, result.stderr
    config = tmp_path / ".config" / "wharf" / "sagemaker.yaml"
    assert f"export SAGEMAKER_USER_CONFIG_OVERRIDE='{config}'" in result.stdout
    text = config.read_text()
    account = subprocess.run(["bash", "-c", result.stdout + "\naws sts get-caller-identity --query Account --output text"],
                             env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, capture_output=True, text=True).stdout.strip()
    assert len(account) == 12
    assert "SchemaVersion: '1.0'" in text and "TelemetryOptOut: true" in text
    assert f"DefaultS3Bucket: sagemaker-us-east-1-{account}" in text


def test_wharf_env_needs_a_key_and_refuses_a_wrong_one(wharf, tmp_path):
    missing = subprocess.run([wharf.binary, "env"], env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)}, capture_output=True, text=True)
    assert missing.returncode == 64 and "WHARF_ACCESS_KEY_ID" in missing.stderr
    wrong = env_lines(wharf, (wharf.reader[0], "not-the-secret"), "--sagemaker", home=tmp_path)
    assert wrong.returncode == 4 and "does not match" in wrong.stderr

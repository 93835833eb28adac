"""`wharf data profile|validate` and `wharf train|predict|evaluate` on small generated files."""
import csv
import json
import os
import random
import subprocess


def wharf(*args):
    return subprocess.run([os.environ["WHARF_BIN"], *args], capture_output=True, text=True)


def write_leads(path, rows, seed):
    rng = random.Random(seed)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["", "city", "visits", "minutes", "label"])
        for i in range(rows):
            city = rng.choice(["tier1", "tier2", "tier3"])
            visits = rng.randint(0, 20)
            minutes = round(rng.random() * 60, 2) if rng.random() > 0.05 else ""
            score = visits / 20 + (0.3 if city == "tier1" else 0) + rng.gauss(0, 0.25)
            w.writerow([i, city, visits, minutes, 1 if score > 0.6 else 0])


def test_data_profile_and_validate(tmp_path):
    data = tmp_path / "leads.csv"
    write_leads(data, 400, 1)
    report = tmp_path / "report.html"
    profiled = wharf("data", "profile", str(data), "--target", "label", "--html", str(report))
    assert profiled.returncode == 0, profiled.stderr
    assert "visits" in profiled.stdout and "minutes" in profiled.stdout
    html = report.read_text()
    assert "<svg" in html and "city" in html
    schema = tmp_path / "schema.yaml"
    schema.write_text(
        "columns:\n"
        "  - {name: visits, type: int, min: 0, max: 10}\n"
        "  - {name: city, allowed: [tier1, tier2]}\n"
        "  - {name: missing_column, type: double}\n"
    )
    checked = wharf("data", "validate", str(data), "--schema", str(schema))
    assert checked.returncode == 1
    out = checked.stdout + checked.stderr
    assert "visits" in out and "city" in out and "missing_column" in out


def test_train_predict_evaluate(tmp_path):
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    write_leads(train, 3000, 2)
    write_leads(test, 800, 3)
    model = tmp_path / "model.wharf"
    trained = wharf("train", "--algorithm", "gbdt", "--data", str(train), "--target", "label", "--validation", str(test),
                    "--hp", "num_round=40", "--hp", "max_depth=4", "--hp", "eta=0.2", "--output", str(model))
    assert trained.returncode == 0, trained.stderr
    assert model.exists()
    preds = tmp_path / "preds.csv"
    predicted = wharf("predict", "--model", str(model), "--data", str(test), "--output", str(preds))
    assert predicted.returncode == 0, predicted.stderr
    with open(preds) as f:
        rows = list(csv.reader(f))
    assert len(rows) == 801
    plots = tmp_path / "plots"
    evaluated = wharf("evaluate", "--model", str(model), "--data", str(test), "--plots", str(plots))
    assert evaluated.returncode == 0, evaluated.stderr
    assert "auc" in evaluated.stdout.lower()
    assert any(name.endswith(".svg") for name in os.listdir(plots))
    bad = wharf("train", "--data", str(train), "--target", "label", "--hp", "not_a_param=1", "--output", str(tmp_path / "x.wharf"))
    assert bad.returncode != 0 and "not_a_param" in bad.stderr
    missing = wharf("train", "--data", str(train), "--target", "no_such_column", "--output", str(tmp_path / "y.wharf"))
    assert missing.returncode != 0 and "no_such_column" in missing.stderr

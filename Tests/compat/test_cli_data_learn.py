"""`wharf data profile|validate` and `wharf train|predict|evaluate` on small generated files."""
import csv
import json
import math
import os
import random
import struct
import subprocess
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


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


def f32(x):
    """x rounded to a 32-bit float, as WharfLearn stores features and thresholds."""
    return struct.unpack("f", struct.pack("f", x))[0]


def tree_margins(model, rows):
    """Independent walk of the model file's trees (docs/learn.md, "The model file"): the margin of every row."""
    trees = model["trees"]
    names = trees["feature_names"]
    signature = {f["name"]: f["kind"] for f in model["signature"]["features"]}
    margins = []
    for row in rows:
        x = []
        for name in names:
            kind, raw = signature[name], row[name]
            if "categorical" in kind:
                levels = kind["categorical"]["levels"]
                x.append(float(levels.index(raw)) if raw in levels else float("nan"))
            else:
                x.append(f32(float(raw)) if raw != "" else float("nan"))
        margin = trees["base_margins"][0]
        for tree in trees["trees"]:
            node = 0
            while tree["left"][node] != -1:
                v = x[tree["feature"][node]]
                flags = tree["flags"][node]
                if math.isnan(v):
                    left = flags & 1 != 0
                elif flags & 2:
                    code = int(v)
                    word = tree["category_bits"][tree["category_offset"][node] + code // 64]
                    left = (word >> (code % 64)) & 1 == 1
                else:
                    left = v < f32(tree["threshold"][node])
                node = tree["left"][node] if left else tree["right"][node]
            margin += tree["value"][node]
        margins.append(margin)
    return margins


def rank_auc(scores, labels):
    """ROC AUC by counting pairs (ties count half)."""
    pos = [s for s, y in zip(scores, labels) if y == 1]
    neg = [s for s, y in zip(scores, labels) if y == 0]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def check_svg(path, drawn):
    """The file is an SVG document that draws at least one `drawn` element (path, polyline, rect...)."""
    root = ET.parse(path).getroot()
    assert root.tag == SVG + "svg", f"{path}: root is {root.tag}"
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0
    assert any(True for _ in root.iter(SVG + drawn)), f"{path} draws no {drawn}"
    return root


def test_train_predict_evaluate(tmp_path):
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    write_leads(train, 3000, 2)
    write_leads(test, 800, 3)
    model = tmp_path / "model.wharf"
    trained = wharf("train", "--algorithm", "gbdt", "--data", str(train), "--target", "label", "--validation", str(test),
                    "--hp", "num_round=40", "--hp", "max_depth=4", "--hp", "eta=0.2", "--output", str(model), "--json")
    assert trained.returncode == 0, trained.stderr
    summary = json.loads(trained.stdout)
    assert summary["trees"] == 40 and summary["training_rows"] == 3000 and summary["validation_rows"] == 800
    assert summary["parameters"]["objective"] == "binary:logistic" and summary["parameters"]["max_depth"] == "4"
    assert 0.5 < summary["validation_metrics"]["auc"] <= 1
    assert model.exists()
    document = json.loads(model.read_text())
    assert document["format"] == "wharf-model" and document["algorithm"] == "gbdt"

    preds = tmp_path / "preds.csv"
    predicted = wharf("predict", "--model", str(model), "--data", str(test), "--output", str(preds))
    assert predicted.returncode == 0, predicted.stderr
    with open(preds) as f:
        rows = list(csv.reader(f))
    assert len(rows) == 801 and rows[0] == ["probability"]
    probabilities = [float(r[0]) for r in rows[1:]]
    with open(test) as f:
        test_rows = list(csv.DictReader(f))
    expected = [1 / (1 + math.exp(-m)) for m in tree_margins(document, test_rows)]
    worst = max(abs(p - e) for p, e in zip(probabilities, expected))
    assert worst < 1e-9, f"predictions differ from the model file's trees by up to {worst}"
    as_json = wharf("predict", "--model", str(model), "--data", str(test), "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert [r["probability"] for r in json.loads(as_json.stdout)] == probabilities

    plots = tmp_path / "plots"
    evaluated = wharf("evaluate", "--model", str(model), "--data", str(test), "--plots", str(plots))
    assert evaluated.returncode == 0, evaluated.stderr
    assert "auc" in evaluated.stdout.lower()
    labels = [int(r["label"]) for r in test_rows]
    report = json.loads(wharf("evaluate", "--model", str(model), "--data", str(test), "--json").stdout)
    assert abs(report["metrics"]["auc"] - rank_auc(probabilities, labels)) < 1e-9
    cm = report["confusion_matrix"]
    assert cm["true_positives"] == sum(1 for p, y in zip(probabilities, labels) if p >= 0.5 and y == 1)
    assert cm["false_positives"] == sum(1 for p, y in zip(probabilities, labels) if p >= 0.5 and y == 0)
    assert sum(cm.values()) == 800 and report["rows"] == 800
    assert sorted(os.listdir(plots)) == ["calibration.svg", "importance.svg", "pr.svg", "roc.svg", "rounds.svg"]
    for name in ("roc.svg", "pr.svg", "calibration.svg", "rounds.svg"):
        check_svg(plots / name, "polyline")
    importance = check_svg(plots / "importance.svg", "rect")
    drawn_text = " ".join(t.text or "" for t in importance.iter(SVG + "text"))
    assert "visits" in drawn_text, drawn_text
    roc_text = " ".join(t.text or "" for t in ET.parse(plots / "roc.svg").getroot().iter(SVG + "text"))
    assert f"AUC {report['metrics']['auc']:.4f}" in roc_text, roc_text

    bad = wharf("train", "--data", str(train), "--target", "label", "--hp", "not_a_param=1", "--output", str(tmp_path / "x.wharf"))
    assert bad.returncode != 0 and "not_a_param" in bad.stderr
    missing = wharf("train", "--data", str(train), "--target", "no_such_column", "--output", str(tmp_path / "y.wharf"))
    assert missing.returncode != 0 and "no_such_column" in missing.stderr

// WharfLearn side of Benchmarks/learn.sh: one task per process, printing
// `task\twharf\tseconds\tauc\tpeak_mb\tnotes` like learn_anchor.py does for the anchors.
import Foundation
import WharfFrame
import WharfLearn

let arguments = CommandLine.arguments
guard arguments.count == 5, let rounds = Int(arguments[3]), let threads = Int(arguments[4]) else {
    FileHandle.standardError.write(Data("usage: WharfLearnBench gbdt-leaves63|gbdt-depth6|predict|linear|smote|leadscoring DIR ROUNDS THREADS\n".utf8))
    exit(64)
}
let task = arguments[1]
let folder = URL(fileURLWithPath: arguments[2])

func load(_ name: String) throws -> LabeledData {
    let frame = try CSVReader.read(path: folder.appendingPathComponent("\(name).csv").path)
    let features = try frame.drop(["label"])
    return try LabeledData(frame: frame, target: "label", encoder: try FrameEncoder(fitting: features))
}

func peakMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func emit(_ name: String, _ seconds: Double, _ auc: Double, _ notes: String = "") {
    print("\(name)\twharf\t\(String(format: "%.9f", seconds))\t\(String(format: "%.5f", auc))\t\(String(format: "%.0f", peakMB()))\t\(notes)")
}

/// CPU seconds of the whole process (all threads), which other work on a shared machine disturbs less than wall time.
func cpuSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

switch task {
case "gbdt-leaves63", "gbdt-depth6":
    let train = try load("train"), test = try load("test")
    var hp = ["objective": "binary:logistic", "num_round": "\(rounds)", "eta": "0.1", "max_bin": "255", "nthread": "\(threads)"]
    if task == "gbdt-leaves63" { hp["num_leaves"] = "63" } else { hp["max_depth"] = "6" }
    var model: GBDTModel?
    let cpu = cpuSeconds()
    let time = try seconds { model = try GBDTTrainer(hyperparameters: hp).fit(train) }
    let trainingCPU = cpuSeconds() - cpu
    let auc = ROCAUC.auc(scores: try model!.predict(test.features, threads: threads), labels: test.labels)
    emit(task == "gbdt-leaves63" ? "gbdt 63 leaves" : "gbdt depth 6", time, auc, "\(String(format: "%.2f", trainingCPU)) s CPU")
    if task == "gbdt-depth6" {
        let artifact = ModelArtifact(algorithm: "gbdt", signature: ModelSignature(features: []), model: .trees(model!))
        try artifact.write(to: folder.appendingPathComponent("wharf-depth6.wharf"))
    }
case "predict":
    let test = try load("test")
    guard case .trees(let model) = try ModelArtifact.read(from: folder.appendingPathComponent("wharf-depth6.wharf")).model else { exit(1) }
    var predictions = [Double]()
    var best = Double.infinity, bestCPU = Double.infinity
    for _ in 0..<5 {
        let cpu = cpuSeconds()
        best = min(best, seconds { predictions = try! model.predict(test.features, threads: threads) })
        bestCPU = min(bestCPU, cpuSeconds() - cpu)
    }
    emit("batch predict 200k rows", best, ROCAUC.auc(scores: predictions, labels: test.labels),
         "\(Int(Double(test.rowCount) / best)) rows/s, \(String(format: "%.3f", bestCPU)) s CPU")
    let count = min(20_000, test.rowCount)
    var rows = [Float](repeating: 0, count: count * test.features.columnCount)
    for r in 0..<count { for c in 0..<test.features.columnCount { rows[r * test.features.columnCount + c] = test.features[r, c] } }
    var output = [Double](repeating: 0, count: 1), checksum = 0.0
    let width = test.features.columnCount
    // Best of five passes over (up to) 20,000 rows, like the batch figure (a pass can lose the core to other work).
    var time = Double.infinity, cpuTime = Double.infinity
    for _ in 0..<5 {
        checksum = 0
        let cpu = cpuSeconds()
        time = min(time, rows.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                seconds {
                    for r in 0..<count {
                        model.predict(row: UnsafeBufferPointer(rebasing: input[(r * width)..<((r + 1) * width)]), into: out)
                        checksum += out[0]
                    }
                }
            }
        })
        cpuTime = min(cpuTime, cpuSeconds() - cpu)
    }
    emit("single-row latency", time / Double(count), .nan,
         "predict(row:into:), per row, best of 5 passes over \(count) rows, \(String(format: "%.2f", cpuTime / Double(count) * 1e6)) us CPU, checksum \(String(format: "%.3f", checksum))")
case "leadscoring":
    // DIR is the lead-scoring CSV; the split (seed 42, or LEARN_SPLIT_SEED), the columns and the defaults are LeadScoringQualityTests'
    // (ROUNDS 0 keeps Wharf's default); LEARN_HP="k=v,k=v" adds hyperparameters.
    var frame = try CSVReader.read(path: arguments[2])
    frame = try frame.drop(frame.columnNames.filter { $0.isEmpty || $0.hasPrefix("Unnamed") || $0 == "column_0" })
    let (labels, _) = try TargetEncoding.labels(frame, target: "app_complete_flag")
    let splitSeed = UInt64(ProcessInfo.processInfo.environment["LEARN_SPLIT_SEED"] ?? "42") ?? 42
    let (trainRows, testRows) = LabeledData.stratifiedSplitRows(labels: labels, testFraction: 0.2, seed: splitSeed)
    var hp = ["nthread": "\(threads)"]
    if rounds > 0 { hp["num_round"] = "\(rounds)" }
    for pair in (ProcessInfo.processInfo.environment["LEARN_HP"] ?? "").split(separator: ",") {
        let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
        if kv.count == 2 { hp[kv[0]] = kv[1] }
    }
    let train = frame.take(trainRows), test = frame.take(testRows)
    var outcome: TrainingRecipe.Outcome?
    let cpu = cpuSeconds()
    let time = try seconds { outcome = try TrainingRecipe(target: "app_complete_flag", hyperparameters: hp).train(train) }
    let trainingCPU = cpuSeconds() - cpu
    let auc = ROCAUC.auc(scores: try outcome!.artifact.predict(test, threads: threads), labels: testRows.map { labels[$0] })
    emit("lead scoring (recipe, defaults)", time, auc, "\(String(format: "%.2f", trainingCPU)) s CPU, \(trainRows.count) train rows")
case "linear":
    let train = try load("train"), test = try load("test")
    var model: LinearModel?
    let time = try seconds { model = try LinearTrainer(hyperparameters: ["C": "1.0", "nthread": "\(threads)"]).fit(train) }
    emit("logistic regression L2", time, ROCAUC.auc(scores: try model!.predict(test.features), labels: test.labels),
         "\(model!.convergence.iterations) iterations")
case "smote":
    let data = try load("smote")
    var out: LabeledData?
    let time = try seconds { out = try SMOTE(neighbors: 5, ratio: 1, seed: 0, threads: threads).resample(data) }
    emit("SMOTE 200k rows 2% pos", time, .nan, "\(out!.rowCount) rows out")
default:
    FileHandle.standardError.write(Data("unknown task \(task)\n".utf8))
    exit(64)
}

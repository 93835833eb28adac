import Foundation
import WharfFrame

/// The boosting loop: gradients from the objective, one histogram tree per output per round, early stopping on validation.
public struct GBDTTrainer: Sendable {
    public var parameters: BoosterParameters

    public init(parameters: BoosterParameters) { self.parameters = parameters }

    public init(hyperparameters: [String: String], randomForest: Bool = false) throws {
        parameters = try BoosterParameters(hyperparameters, randomForest: randomForest)
    }

    /// Trains on `train`; with `validation`, reports its metrics each round and stops early when asked.
    public func fit(_ train: LabeledData, validation: LabeledData? = nil,
                    onRound: ((RoundReport) -> Void)? = nil) throws -> GBDTModel {
        let p = parameters
        let n = train.rowCount
        guard n > 0 else { throw LearnError(.invalidData, "no training rows", field: "data") }
        guard train.features.columnCount > 0 else { throw LearnError(.invalidData, "no feature columns", field: "data") }
        let objective = try Objectives.make(name: p.objective, classCount: p.numClass, scalePosWeight: p.scalePosWeight)
        try objective.validate(labels: train.labels)
        if let validation { try objective.validate(labels: validation.labels) }
        let metricNames = p.evalMetric.isEmpty ? [objective.defaultMetric] : p.evalMetric
        let metrics = try metricNames.map { try Metrics.make($0) }
        if p.earlyStoppingRounds > 0 && validation == nil {
            throw LearnError(.invalidParameter, "early_stopping_rounds needs a validation set", field: "early_stopping_rounds")
        }
        let threads = p.threadCount
        let binned = try BinnedMatrix(features: train.features, maxBin: p.maxBin, seed: p.seed, threads: threads)
        let validationData = try validation.map { v -> (LabeledData, BinnedMatrix) in
            let aligned = try v.features.aligned(to: train.features.names)
            return (v, try BinnedMatrix(features: aligned, mappers: binned.mappers, threads: threads))
        }
        let k = objective.outputCount
        let base = objective.initialMargins(labels: train.labels, weights: train.weights)
        var margins = [Double](repeating: 0, count: n * k)
        for c in 0..<k { for r in 0..<n { margins[c * n + r] = base[c] } }
        var validationMargins = [Double]()
        if let (v, _) = validationData {
            validationMargins = [Double](repeating: 0, count: v.rowCount * k)
            for c in 0..<k { for r in 0..<v.rowCount { validationMargins[c * v.rowCount + r] = base[c] } }
        }
        var gradient = [Float](repeating: 0, count: n), hessian = [Float](repeating: 0, count: n)
        var pairs = [SIMD2<Float>](repeating: .zero, count: n)
        let learner = TreeLearner(data: binned, threads: threads)
        let finder = SplitFinder(lambda: p.lambda, alpha: p.alpha, gamma: p.gamma, minChildWeight: p.minChildWeight,
                                 minDataInLeaf: p.minDataInLeaf, maxCatToOnehot: p.maxCatToOnehot, catSmooth: p.catSmooth,
                                 catL2: p.catL2, maxCatThreshold: p.maxCatThreshold, minDataPerGroup: p.minDataPerGroup)
        let settings = TreeSettings(finder: finder, maxDepth: p.maxDepth, maxLeaves: p.maxLeaves, growPolicy: p.growPolicy,
                                    learningRate: p.randomForest ? 1.0 / Double(p.numRound) : p.eta,
                                    colsampleBynode: p.colsampleBynode)
        var generator = SeededGenerator(seed: p.seed)
        var trees = [Tree](), treeOutputs = [Int32]()
        var history: [String: [Double]] = [:]
        var bestScore = Double.nan, bestRound = 0
        let missingBins = binned.mappers.map { UInt16($0.missingBin) }
        let allFeatures = Array(0..<binned.featureCount)
        let sampling = p.subsample < 1 || p.randomForest

        for round in 0..<p.numRound {
            var features = allFeatures
            if p.colsampleBytree < 1 {
                generator.shuffle(&features)
                features = Array(features[..<max(1, Int((Double(features.count) * p.colsampleBytree).rounded()))]).sorted()
            }
            for output in 0..<k {
                // Random forests never add trees to `margins`, so every tree fits the starting gradients. Rows are
                // independent, so the gradients (and their packing into pairs) are computed in chunks on all threads.
                let chunks = Parallel.ranges(n, parts: n < 65_536 ? 1 : 4 * threads)
                margins.withUnsafeBufferPointer { m in
                    train.labels.withUnsafeBufferPointer { labels in
                        gradient.withUnsafeMutableBufferPointer { g in
                            hessian.withUnsafeMutableBufferPointer { h in
                                pairs.withUnsafeMutableBufferPointer { gh in
                                    let ghBase = gh.baseAddress!
                                    let w = train.weights
                                    Parallel.forEach(chunks.count, threads: threads) { part in
                                        let range = chunks[part]
                                        if let w {
                                            w.withUnsafeBufferPointer { objective.gradients(output: output, rows: range, margins: m, labels: labels, weights: $0, gradient: g, hessian: h) }
                                        } else {
                                            objective.gradients(output: output, rows: range, margins: m, labels: labels, weights: nil, gradient: g, hessian: h)
                                        }
                                        for r in range { ghBase[r] = SIMD2(g[r], h[r]) }
                                    }
                                }
                            }
                        }
                    }
                }
                var rows: [Int32]? = nil
                if sampling {
                    let rate = p.subsample
                    var picked = [Int32]()
                    picked.reserveCapacity(Int(Double(n) * rate) + 16)
                    for r in 0..<n where generator.nextUnit() < rate { picked.append(Int32(r)) }
                    if picked.isEmpty { picked.append(Int32(generator.nextIndex(n))) }
                    rows = picked
                }
                let (tree, leaves) = pairs.withUnsafeBufferPointer { gh in
                    learner.grow(pairs: gh.baseAddress!, rows: rows, features: features, settings: settings, generator: &generator)
                }
                if !p.randomForest {
                    if sampling {
                        addTree(tree, binned: binned, missingBins: missingBins, to: &margins, output: output, threads: threads)
                    } else {
                        // Leaves hold disjoint rows, so they are added on all threads.
                        margins.withUnsafeMutableBufferPointer { m in
                            let target = m.baseAddress! + output * n
                            Parallel.forEach(leaves.count, threads: threads) { i in
                                let leaf = leaves[i]
                                let value = tree.nodes[leaf.node].value
                                learner.withRows(of: leaf) { rows in
                                    for r in rows { target[Int(r)] += value }
                                }
                            }
                        }
                    }
                }
                if let (_, vBinned) = validationData {
                    addTree(tree, binned: vBinned, missingBins: missingBins, to: &validationMargins, output: output, threads: threads)
                }
                trees.append(tree)
                treeOutputs.append(Int32(output))
            }

            guard onRound != nil || validationData != nil else { continue }
            let scored: [(String, Double)]
            if let (v, _) = validationData {
                let predictions = transformed(validationMargins, rows: v.rowCount, outputs: k, objective: objective)
                scored = metrics.map { ("validation-\($0.name)", $0.evaluate(predictions: predictions, outputCount: k, labels: v.labels, weights: v.weights)) }
            } else if p.randomForest {
                scored = []
            } else {
                let predictions = transformed(margins, rows: n, outputs: k, objective: objective)
                scored = metrics.map { ("train-\($0.name)", $0.evaluate(predictions: predictions, outputCount: k, labels: train.labels, weights: train.weights)) }
            }
            for (name, value) in scored { history[name, default: []].append(value) }
            if let (name, value) = scored.last, name.hasPrefix("validation-") {
                let metric = metrics.last!
                if bestScore.isNaN || (metric.higherIsBetter ? value > bestScore : value < bestScore) {
                    bestScore = value
                    bestRound = round
                }
            }
            onRound?(RoundReport(round: round, totalRounds: p.numRound, metrics: scored, bestRound: validationData == nil ? nil : bestRound))
            if p.earlyStoppingRounds > 0 && round - bestRound >= p.earlyStoppingRounds { break }
        }
        var model = GBDTModel(objective: p.objective, outputCount: k, baseMargins: base, trees: trees, treeOutputs: treeOutputs,
                              featureNames: train.features.names, featureKinds: train.features.kinds, history: history)
        if p.earlyStoppingRounds > 0 {
            model = model.truncated(rounds: bestRound + 1)
        }
        return model
    }

    private func transformed(_ margins: [Double], rows n: Int, outputs k: Int, objective: any Objective) -> [Double] {
        var out = [Double](repeating: 0, count: n * k)
        out.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<n {
                for c in 0..<k { buffer[r * k + c] = margins[c * n + r] }
                objective.transform(UnsafeMutableBufferPointer(rebasing: buffer[(r * k)..<(r * k + k)]))
            }
        }
        return out
    }

    private func addTree(_ tree: Tree, binned: BinnedMatrix, missingBins: [UInt16], to margins: inout [Double], output: Int, threads: Int) {
        let n = binned.rowCount, f = binned.featureCount
        let bits = tree.categoryBits.isEmpty ? [UInt64(0)] : tree.categoryBits
        margins.withUnsafeMutableBufferPointer { m in
            binned.codes.withUnsafeBufferPointer { codes in
                tree.nodes.withUnsafeBufferPointer { nodes in
                    bits.withUnsafeBufferPointer { bitBuffer in
                        missingBins.withUnsafeBufferPointer { missing in
                            let target = m.baseAddress! + output * n
                            let chunks = Parallel.ranges(n, parts: n < 10_000 ? 1 : threads)
                            Parallel.forEach(chunks.count, threads: threads) { part in
                                for r in chunks[part] {
                                    let leaf = Tree.leafIndex(nodes: nodes.baseAddress!, bits: bitBuffer.baseAddress!,
                                                              codes: codes.baseAddress! + r * f, missingBins: missing.baseAddress!)
                                    target[r] += nodes[leaf].value
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

import Foundation
import WharfFrame

/// Fits logistic (binary or multinomial) and linear regression on standardised features with L-BFGS or OWL-QN.
public struct LinearTrainer: Sendable {
    public var parameters: LinearParameters

    public init(parameters: LinearParameters) { self.parameters = parameters }

    public init(hyperparameters: [String: String]) throws {
        parameters = try LinearParameters(hyperparameters)
    }

    /// Fits the model; `warning` is called when the iteration cap is reached before convergence.
    public func fit(_ data: LabeledData, warning: ((String) -> Void)? = nil) throws -> LinearModel {
        let p = parameters
        let n = data.rowCount, features = data.features.columnCount
        guard n > 0 else { throw LearnError(.invalidData, "no training rows", field: "data") }
        let k: Int
        switch p.task {
        case .binary:
            try BinaryLogistic().validate(labels: data.labels)
            k = 1
        case .multinomial:
            try Softmax(classCount: p.numClass).validate(labels: data.labels)
            k = p.numClass
        case .regression:
            if Set(data.labels).count < 2 {
                throw LearnError(.invalidLabel, "the target is constant (\(data.labels.first ?? 0)); nothing to fit", field: "label")
            }
            k = 1
        }
        let scaler = StandardScaler(fitting: data.features)
        // Row weights: sample weights times class weights.
        var rowWeights = data.weights ?? [Double](repeating: 1, count: n)
        if p.task != .regression {
            let classCount = p.task == .binary ? 2 : k
            var classWeights = [Double](repeating: 1, count: classCount)
            if p.balancedClassWeights {
                var counts = [Double](repeating: 0, count: classCount)
                for y in data.labels { counts[Int(y)] += 1 }
                for c in 0..<classCount where counts[c] > 0 { classWeights[c] = Double(n) / (Double(classCount) * counts[c]) }
            } else {
                for (c, w) in p.classWeights.enumerated() where c < classCount { classWeights[c] = w }
            }
            for i in 0..<n { rowWeights[i] *= classWeights[Int(data.labels[i])] }
        }
        let totalWeight = rowWeights.reduce(0, +)
        guard totalWeight > 0 else { throw LearnError(.invalidData, "all row weights are zero", field: "weights") }
        let c = p.lambda.map { 1 / ($0 * Double(n)) } ?? p.c
        let penaltyScale = p.penalty == .none ? 0 : 1 / (c * totalWeight)
        let l2 = p.penalty == .l2 ? penaltyScale : p.penalty == .elasticnet ? penaltyScale * (1 - p.l1Ratio) : 0
        let l1Strength = p.penalty == .l1 ? penaltyScale : p.penalty == .elasticnet ? penaltyScale * p.l1Ratio : 0
        let parameterCount = k * features + k
        var l1 = [Double](repeating: 0, count: parameterCount)
        for i in 0..<(k * features) { l1[i] = l1Strength }

        // Missing values take the column mean, so they contribute nothing after standardising.
        var values = data.features.values
        if values.contains(where: { $0.isNaN }) {
            for j in 0..<features {
                let mean = Float(scaler.means[j])
                for r in 0..<n where values[j * n + r].isNaN { values[j * n + r] = mean }
            }
        }
        let threads = p.nthread > 0 ? p.nthread : Parallel.availableCores
        let evaluator = LinearLoss(task: p.task, outputs: k, rows: n, features: features, values: values, labels: data.labels,
                                   weights: rowWeights, scaler: scaler, threads: threads, fitIntercept: p.fitIntercept)
        var start = [Double](repeating: 0, count: parameterCount)
        if p.fitIntercept && p.task == .binary {
            var positive = 0.0
            for i in 0..<n where data.labels[i] == 1 { positive += rowWeights[i] }
            let rate = min(max(positive / totalWeight, 1e-6), 1 - 1e-6)
            start[k * features] = log(rate / (1 - rate))
        } else if p.fitIntercept && p.task == .regression {
            var sum = 0.0
            for i in 0..<n { sum += rowWeights[i] * data.labels[i] }
            start[k * features] = sum / totalWeight
        }
        let solver = OWLQN(memory: 10, maxIterations: p.maxIterations, tolerance: p.tolerance)
        let result = solver.minimize(start: start, l1: l1) { x, gradient in
            var value = evaluator.evaluate(x, gradient: &gradient) / totalWeight
            for i in 0..<parameterCount { gradient[i] /= totalWeight }
            if l2 > 0 {
                for i in 0..<(k * features) {
                    value += 0.5 * l2 * x[i] * x[i]
                    gradient[i] += l2 * x[i]
                }
            }
            return value
        }
        if !result.converged {
            warning?("solver stopped at max_iter \(p.maxIterations) with gradient norm \(result.gradientNorm) above tol \(p.tolerance)")
        }
        return LinearModel(task: p.task, featureNames: data.features.names, scaler: scaler,
                           coefficients: Array(result.x[..<(k * features)]), intercepts: Array(result.x[(k * features)...]),
                           convergence: .init(iterations: result.iterations, gradientNorm: result.gradientNorm, converged: result.converged))
    }
}

/// Data loss and its gradient for standardised coefficients, summed over rows on several threads in a fixed order.
struct LinearLoss {
    let task: LinearParameters.Task
    let outputs: Int
    let rows: Int
    let features: Int
    let values: [Float]
    let labels: [Double]
    let weights: [Double]
    let scaler: StandardScaler
    let threads: Int
    let fitIntercept: Bool

    /// Returns the weighted loss sum; writes d(loss)/d(parameters) into `gradient`.
    func evaluate(_ x: [Double], gradient: inout [Double]) -> Double {
        let k = outputs, p = features, n = rows
        // Fold the scaler into raw-feature weights so the data is never copied.
        var beta = [Double](repeating: 0, count: k * p), bias = [Double](repeating: 0, count: k)
        for c in 0..<k {
            bias[c] = fitIntercept ? x[k * p + c] : 0
            for j in 0..<p {
                beta[c * p + j] = x[c * p + j] / scaler.deviations[j]
                bias[c] -= beta[c * p + j] * scaler.means[j]
            }
        }
        let chunks = Parallel.ranges(n, parts: n < 20_000 ? 1 : threads)
        var partialLoss = [Double](repeating: 0, count: chunks.count)
        // Per chunk: sum_i r_ic * x_ij, then sum_i r_ic.
        var partialGradient = [[Double]](repeating: [Double](repeating: 0, count: k * p + k), count: chunks.count)
        let task = self.task
        values.withUnsafeBufferPointer { valueBuffer in
            labels.withUnsafeBufferPointer { labelBuffer in
                weights.withUnsafeBufferPointer { weightBuffer in
                    partialLoss.withUnsafeMutableBufferPointer { lossOut in
                        partialGradient.withUnsafeMutableBufferPointer { gradOut in
                            let valueBase = valueBuffer.baseAddress!
                            Parallel.forEach(chunks.count, threads: threads) { part in
                                let range = chunks[part]
                                let m = range.count
                                let margins = UnsafeMutablePointer<Double>.allocate(capacity: m * k)
                                defer { margins.deallocate() }
                                for c in 0..<k {
                                    let z = margins + c * m
                                    z.update(repeating: bias[c], count: m)
                                    for j in 0..<p {
                                        let w = beta[c * p + j]
                                        if w == 0 { continue }
                                        let column = valueBase + j * n + range.lowerBound
                                        for i in 0..<m { z[i] += w * Double(column[i]) }
                                    }
                                }
                                var loss = 0.0
                                for i in 0..<m {
                                    let row = range.lowerBound + i
                                    let y = labelBuffer[row], w = weightBuffer[row]
                                    switch task {
                                    case .binary:
                                        let z = margins[i]
                                        // log(1 + exp(z)) - y z, computed stably.
                                        loss += w * ((z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - y * z)
                                        margins[i] = w * (1 / (1 + exp(-z)) - y)
                                    case .regression:
                                        let d = margins[i] - y
                                        loss += w * 0.5 * d * d
                                        margins[i] = w * d
                                    case .multinomial:
                                        var maxZ = -Double.infinity
                                        for c in 0..<k { maxZ = max(maxZ, margins[c * m + i]) }
                                        var sum = 0.0
                                        for c in 0..<k { sum += exp(margins[c * m + i] - maxZ) }
                                        let label = Int(y)
                                        loss += w * (maxZ + log(sum) - margins[label * m + i])
                                        for c in 0..<k {
                                            let prob = exp(margins[c * m + i] - maxZ) / sum
                                            margins[c * m + i] = w * (prob - (c == label ? 1 : 0))
                                        }
                                    }
                                }
                                lossOut[part] = loss
                                var g = gradOut[part]
                                for c in 0..<k {
                                    let r = margins + c * m
                                    var rSum = 0.0
                                    for i in 0..<m { rSum += r[i] }
                                    g[k * p + c] = rSum
                                    for j in 0..<p {
                                        g[c * p + j] = Self.dot(r, valueBase + j * n + range.lowerBound, m)
                                    }
                                }
                                gradOut[part] = g
                            }
                        }
                    }
                }
            }
        }
        for i in gradient.indices { gradient[i] = 0 }
        var loss = 0.0
        for part in 0..<chunks.count {
            loss += partialLoss[part]
            for i in gradient.indices { gradient[i] += partialGradient[part][i] }
        }
        // Chain rule back to standardised coefficients: d/d(beta_j) = (sum r x_j - mean_j sum r) / scale_j.
        for c in 0..<k {
            let rSum = gradient[k * p + c]
            for j in 0..<p {
                gradient[c * p + j] = (gradient[c * p + j] - scaler.means[j] * rSum) / scaler.deviations[j]
            }
            if !fitIntercept { gradient[k * p + c] = 0 }
        }
        return loss
    }

    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Float>, _ count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= count {
            s0 += a[i] * Double(b[i])
            s1 += a[i + 1] * Double(b[i + 1])
            s2 += a[i + 2] * Double(b[i + 2])
            s3 += a[i + 3] * Double(b[i + 3])
            i += 4
        }
        while i < count { s0 += a[i] * Double(b[i]); i += 1 }
        return (s0 + s1) + (s2 + s3)
    }
}

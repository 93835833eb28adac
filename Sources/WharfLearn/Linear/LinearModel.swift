import Foundation
import WharfFrame

/// A fitted linear or logistic model on standardised features; carries its scaler and how the solver converged.
public struct LinearModel: Codable, Equatable, Sendable {
    /// Solver outcome, reported to the user.
    public struct Convergence: Codable, Equatable, Sendable {
        public var iterations: Int
        public var gradientNorm: Double
        public var converged: Bool
    }

    public var task: LinearParameters.Task
    public var featureNames: [String]
    /// WharfFrame's scaler over `featureNames`; stored in model files as `{"means": [...], "scales": [...]}`.
    public var scaler: StandardScaler
    /// Coefficients on standardised features, `outputCount` rows of `featureNames.count`.
    public var coefficients: [Double]
    public var intercepts: [Double]
    public var convergence: Convergence

    public var outputCount: Int { intercepts.count }

    public init(task: LinearParameters.Task, featureNames: [String], scaler: StandardScaler, coefficients: [Double],
                intercepts: [Double], convergence: Convergence) {
        self.task = task
        self.featureNames = featureNames
        self.scaler = scaler
        self.coefficients = coefficients
        self.intercepts = intercepts
        self.convergence = convergence
    }

    private enum CodingKeys: String, CodingKey {
        case task, featureNames, scaler, coefficients, intercepts, convergence
    }

    /// The scaler as model files hold it (format 1 and 2).
    private struct StoredScaler: Codable {
        var means: [Double]
        var scales: [Double]
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        task = try c.decode(LinearParameters.Task.self, forKey: .task)
        featureNames = try c.decode([String].self, forKey: .featureNames)
        let stored = try c.decode(StoredScaler.self, forKey: .scaler)
        guard stored.means.count == featureNames.count, stored.scales.count == featureNames.count else {
            throw LearnError(.invalidModel, "the linear model's scaler has \(stored.means.count) means and \(stored.scales.count) scales for \(featureNames.count) features",
                             field: "scaler")
        }
        scaler = StandardScaler(columns: featureNames, means: stored.means, deviations: stored.scales)
        coefficients = try c.decode([Double].self, forKey: .coefficients)
        intercepts = try c.decode([Double].self, forKey: .intercepts)
        convergence = try c.decode(Convergence.self, forKey: .convergence)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(task, forKey: .task)
        try c.encode(featureNames, forKey: .featureNames)
        try c.encode(StoredScaler(means: scaler.means, scales: scaler.deviations), forKey: .scaler)
        try c.encode(coefficients, forKey: .coefficients)
        try c.encode(intercepts, forKey: .intercepts)
        try c.encode(convergence, forKey: .convergence)
    }

    /// Coefficients for the original (unstandardised) features, and the matching intercepts.
    public var originalScale: (coefficients: [Double], intercepts: [Double]) {
        let p = featureNames.count
        var coefficients = self.coefficients, intercepts = self.intercepts
        for k in 0..<outputCount {
            for j in 0..<p {
                coefficients[k * p + j] = self.coefficients[k * p + j] / scaler.deviations[j]
                intercepts[k] -= coefficients[k * p + j] * scaler.means[j]
            }
        }
        return (coefficients, intercepts)
    }

    /// Predictions per row: probability of class 1 (binary), class probabilities (multinomial), or values.
    public func predict(_ features: FeatureMatrix) throws -> [Double] {
        let x = try features.aligned(to: featureNames)
        let (beta, b) = originalScale
        let n = x.rowCount, p = featureNames.count, k = outputCount
        var margins = [Double](repeating: 0, count: n * k)
        x.values.withUnsafeBufferPointer { values in
            margins.withUnsafeMutableBufferPointer { out in
                for c in 0..<k {
                    let target = out.baseAddress! + c * n
                    for r in 0..<n { target[r] = b[c] }
                    for j in 0..<p {
                        let w = beta[c * p + j], mean = scaler.means[j]
                        let column = values.baseAddress! + j * n
                        for r in 0..<n {
                            let v = column[r]
                            target[r] += w * (v.isNaN ? mean : Double(v))
                        }
                    }
                }
            }
        }
        var out = [Double](repeating: 0, count: n * k)
        let transform: OutputTransform = task == .binary ? .sigmoid : task == .multinomial ? .softmax : .identity
        out.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<n {
                for c in 0..<k { buffer[r * k + c] = margins[c * n + r] }
                transform.apply(buffer.baseAddress! + r * k, count: k)
            }
        }
        return out
    }
}

import Foundation

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
    public var scaler: StandardScaler
    /// Coefficients on standardised features, `outputCount` rows of `featureNames.count`.
    public var coefficients: [Double]
    public var intercepts: [Double]
    public var convergence: Convergence

    public var outputCount: Int { intercepts.count }

    /// Coefficients for the original (unstandardised) features, and the matching intercepts.
    public var originalScale: (coefficients: [Double], intercepts: [Double]) {
        let p = featureNames.count
        var coefficients = self.coefficients, intercepts = self.intercepts
        for k in 0..<outputCount {
            for j in 0..<p {
                coefficients[k * p + j] = self.coefficients[k * p + j] / scaler.scales[j]
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

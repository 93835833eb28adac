/// Squared error regression (`reg:squarederror`); predictions are the margins.
public struct SquaredError: Objective {
    public var name: String { "reg:squarederror" }
    public var outputCount: Int { 1 }
    public var defaultMetric: String { "rmse" }

    public init() {}

    public func validate(labels: [Double]) throws {
        if labels.isEmpty { throw LearnError(.invalidLabel, "no rows to train on", field: "label") }
    }

    public func initialMargins(labels: [Double], weights: [Double]?) -> [Double] {
        var sum = 0.0, total = 0.0
        for (i, y) in labels.enumerated() {
            let w = weights?[i] ?? 1
            sum += w * y
            total += w
        }
        return [total > 0 ? sum / total : 0]
    }

    public func gradients(output: Int, rows: Range<Int>, margins: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                          weights: UnsafeBufferPointer<Double>?, gradient: UnsafeMutableBufferPointer<Float>,
                          hessian: UnsafeMutableBufferPointer<Float>) {
        for i in rows {
            let w = weights?[i] ?? 1
            gradient[i] = Float((margins[i] - labels[i]) * w)
            hessian[i] = Float(w)
        }
    }

    public func transform(_ row: UnsafeMutableBufferPointer<Double>) {}
}

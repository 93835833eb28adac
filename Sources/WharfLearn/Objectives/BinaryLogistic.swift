import Foundation

/// Binary log loss on labels 0/1 (`binary:logistic`); predictions are probabilities of class 1.
public struct BinaryLogistic: Objective {
    public var scalePosWeight: Double
    public var name: String { "binary:logistic" }
    public var outputCount: Int { 1 }
    public var defaultMetric: String { "logloss" }

    public init(scalePosWeight: Double = 1) { self.scalePosWeight = scalePosWeight }

    public func validate(labels: [Double]) throws {
        if let bad = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw LearnError(.invalidLabel, "binary:logistic needs labels 0 or 1; row \(bad) has \(labels[bad])", field: "label")
        }
        let positives = labels.reduce(0, +)
        if positives == 0 || positives == Double(labels.count) {
            throw LearnError(.invalidLabel, "binary:logistic needs both classes; every label is \(labels.first ?? 0)", field: "label")
        }
    }

    public func initialMargins(labels: [Double], weights: [Double]?) -> [Double] {
        var sum = 0.0, total = 0.0
        for (i, y) in labels.enumerated() {
            let w = (weights?[i] ?? 1) * (y == 1 ? scalePosWeight : 1)
            sum += w * y
            total += w
        }
        let p = min(max(sum / max(total, 1e-300), 1e-7), 1 - 1e-7)
        return [log(p / (1 - p))]
    }

    public func gradients(output: Int, rows: Range<Int>, margins: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                          weights: UnsafeBufferPointer<Double>?, gradient: UnsafeMutableBufferPointer<Float>,
                          hessian: UnsafeMutableBufferPointer<Float>) {
        let spw = scalePosWeight
        for i in rows {
            let p = 1 / (1 + exp(-margins[i]))
            let y = labels[i]
            var w = weights?[i] ?? 1
            if y == 1 { w *= spw }
            gradient[i] = Float((p - y) * w)
            hessian[i] = Float(max(p * (1 - p), 1e-16) * w)
        }
    }

    public func transform(_ row: UnsafeMutableBufferPointer<Double>) {
        row[0] = 1 / (1 + exp(-row[0]))
    }
}

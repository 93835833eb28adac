import Foundation

/// Multiclass softmax cross-entropy (`multi:softprob`); labels are class indices 0..<classCount.
public struct Softmax: Objective {
    public let classCount: Int
    public let name: String
    public var outputCount: Int { classCount }
    public var defaultMetric: String { "mlogloss" }

    public init(classCount: Int, name: String = "multi:softprob") {
        self.classCount = classCount
        self.name = name
    }

    public func validate(labels: [Double]) throws {
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= Double(classCount) || $0 != $0.rounded() }) {
            throw LearnError(.invalidLabel, "\(name) needs class labels 0..<\(classCount) (num_class); row \(bad) has \(labels[bad])", field: "label")
        }
        if Set(labels).count < 2 {
            throw LearnError(.invalidLabel, "\(name) needs at least two classes; every label is \(labels.first ?? 0)", field: "label")
        }
    }

    public func initialMargins(labels: [Double], weights: [Double]?) -> [Double] {
        Array(repeating: 0.5, count: classCount)
    }

    public func gradients(output: Int, rows: Range<Int>, margins: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                          weights: UnsafeBufferPointer<Double>?, gradient: UnsafeMutableBufferPointer<Float>,
                          hessian: UnsafeMutableBufferPointer<Float>) {
        let n = labels.count
        for i in rows {
            var maxMargin = -Double.infinity
            for k in 0..<classCount { maxMargin = max(maxMargin, margins[k * n + i]) }
            var sum = 0.0
            for k in 0..<classCount { sum += exp(margins[k * n + i] - maxMargin) }
            let p = exp(margins[output * n + i] - maxMargin) / sum
            let y = Int(labels[i]) == output ? 1.0 : 0.0
            let w = weights?[i] ?? 1
            gradient[i] = Float((p - y) * w)
            hessian[i] = Float(max(2 * p * (1 - p), 1e-16) * w)
        }
    }

    public func transform(_ row: UnsafeMutableBufferPointer<Double>) {
        var maxMargin = -Double.infinity
        for v in row { maxMargin = max(maxMargin, v) }
        var sum = 0.0
        for k in 0..<row.count { row[k] = exp(row[k] - maxMargin); sum += row[k] }
        for k in 0..<row.count { row[k] /= sum }
    }
}

/// A training loss: per-row gradients and hessians of the margins, and the link from margins to predictions.
public protocol Objective: Sendable {
    /// XGBoost-style name, e.g. `binary:logistic`.
    var name: String { get }
    /// Margins per row (the number of classes for softmax, else 1).
    var outputCount: Int { get }
    /// Metric used for early stopping when none is given.
    var defaultMetric: String { get }
    /// Rejects labels the loss cannot use, naming the first bad row.
    func validate(labels: [Double]) throws
    /// Starting margin per output (boost from average).
    func initialMargins(labels: [Double], weights: [Double]?) -> [Double]
    /// Fills gradient and hessian for output `output` of the rows in `rows`; margins are output-major (`output * n + row`).
    func gradients(output: Int, rows: Range<Int>, margins: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                   weights: UnsafeBufferPointer<Double>?, gradient: UnsafeMutableBufferPointer<Float>,
                   hessian: UnsafeMutableBufferPointer<Float>)
    /// Turns one row's margins into predictions in place.
    func transform(_ row: UnsafeMutableBufferPointer<Double>)
}

/// Looks up an objective by its XGBoost name.
public enum Objectives {
    public static let names = ["binary:logistic", "multi:softprob", "multi:softmax", "reg:squarederror"]

    public static func make(name: String, classCount: Int, scalePosWeight: Double) throws -> any Objective {
        switch name {
        case "binary:logistic":
            return BinaryLogistic(scalePosWeight: scalePosWeight)
        case "multi:softprob", "multi:softmax":
            guard classCount >= 2 else {
                throw LearnError(.invalidParameter, "objective \(name) needs num_class >= 2, got \(classCount)", field: "num_class")
            }
            return Softmax(classCount: classCount, name: name)
        case "reg:squarederror":
            return SquaredError()
        default:
            throw LearnError(.invalidParameter, "objective must be one of \(names.joined(separator: ", ")); got \(name)", field: "objective")
        }
    }
}

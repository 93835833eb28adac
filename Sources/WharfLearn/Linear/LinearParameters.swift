import Foundation

/// Hyperparameters of the linear learners (scikit-learn's names), parsed from strings like the booster's.
public struct LinearParameters: Codable, Equatable, Sendable {
    /// Penalty on the coefficients (never on the intercept).
    public enum Penalty: String, Codable, Sendable { case none, l2, l1, elasticnet }
    /// What the model predicts.
    public enum Task: String, Codable, Sendable { case binary, multinomial, regression }

    public var task = Task.binary
    public var penalty = Penalty.l2
    /// Inverse strength as scikit-learn's C: sum of losses + (1/C) * penalty.
    public var c = 1.0
    public var l1Ratio = 0.5
    public var maxIterations = 200
    public var tolerance = 1e-4
    public var fitIntercept = true
    /// Class weights by class index; empty = all 1.
    public var classWeights: [Double] = []
    public var balancedClassWeights = false
    public var numClass = 0
    public var nthread = 0

    public init() {}

    public static let knownNames = ["task", "objective", "penalty", "C", "lambda", "l1_ratio", "max_iter", "tol", "fit_intercept",
                                    "class_weight", "num_class", "nthread", "n_jobs"]

    /// `lambda` is the per-row strength (mean loss + lambda * penalty), converted to C once the row count is known.
    public var lambda: Double?

    public init(_ strings: [String: String]) throws {
        self.init()
        let parser = StringParameters(strings)
        try parser.rejectUnknown(Self.knownNames)
        if let v = try parser.choice(["task"], from: ["binary", "multinomial", "regression"]) { task = Task(rawValue: v)! }
        if let v = try parser.choice(["objective"], from: ["binary:logistic", "multi:softprob", "reg:squarederror"]) {
            task = v == "binary:logistic" ? .binary : v == "multi:softprob" ? .multinomial : .regression
        }
        if let v = try parser.choice(["penalty"], from: ["none", "l2", "l1", "elasticnet"]) { penalty = Penalty(rawValue: v)! }
        if strings["C"] != nil && strings["lambda"] != nil {
            throw LearnError(.invalidParameter, "give either C or lambda, not both", field: "lambda")
        }
        if let v = try parser.double(["C"], in: 0...1e300, openLow: true) { c = v }
        if let v = try parser.double(["lambda"], in: 0...1e12) {
            if v == 0 { penalty = .none } else { lambda = v }
        }
        if let v = try parser.double(["l1_ratio"], in: 0...1) { l1Ratio = v }
        if let v = try parser.int(["max_iter"], in: 1...1_000_000) { maxIterations = v }
        if let v = try parser.double(["tol"], in: 0...1, openLow: true) { tolerance = v }
        if let v = try parser.bool(["fit_intercept"]) { fitIntercept = v }
        if let v = try parser.int(["num_class"], in: 0...10_000) { numClass = v }
        if let v = try parser.int(["nthread", "n_jobs"], in: 0...1024) { nthread = v }
        if let v = try parser.string(["class_weight"]) {
            if v == "balanced" {
                balancedClassWeights = true
            } else {
                for pair in v.split(separator: ",") {
                    let parts = pair.split(separator: ":")
                    guard parts.count == 2, let k = Int(parts[0]), k >= 0, k < 10_000, let w = Double(parts[1]), w >= 0, w.isFinite else {
                        throw LearnError(.invalidParameter, "class_weight must be balanced or class:weight pairs like 0:1,1:5; got \(v)", field: "class_weight")
                    }
                    if classWeights.count <= k { classWeights += Array(repeating: 1, count: k + 1 - classWeights.count) }
                    classWeights[k] = w
                }
            }
        }
        if task == .multinomial && numClass < 2 {
            throw LearnError(.invalidParameter, "task multinomial needs num_class >= 2; got \(numClass)", field: "num_class")
        }
    }

    public var strings: [String: String] {
        var result = ["task": task.rawValue, "penalty": penalty.rawValue, "C": "\(c)", "l1_ratio": "\(l1Ratio)",
                      "max_iter": "\(maxIterations)", "tol": "\(tolerance)", "fit_intercept": "\(fitIntercept)"]
        if let lambda { result["lambda"] = "\(lambda)" }
        if balancedClassWeights { result["class_weight"] = "balanced" }
        if numClass > 0 { result["num_class"] = "\(numClass)" }
        return result
    }
}

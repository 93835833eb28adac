import Foundation
import WharfFrame

/// Fitted preprocessing from a WharfFrame DataFrame to a FeatureMatrix: numbers as Float, text as category codes
/// (rare levels merged into `others`), dates as days; stored in model files so prediction encodes the same way.
public struct FrameEncoder: Codable, Equatable, Sendable {
    /// How one input column becomes one feature.
    public struct ColumnEncoding: Codable, Equatable, Sendable {
        public var name: String
        public var kind: FeatureKind
        /// Source type name (`double`, `string`, `timestamp`, ...), so prediction converts like training did.
        public var source: String
    }

    public static let othersLevel = "others"
    public var columns: [ColumnEncoding]

    /// Learns the encoding of every usable column of `frame` (list and JSON columns are left out).
    /// Levels seen fewer than `minLevelCount` times, and all past the 254 most frequent, become `others`.
    public init(fitting frame: DataFrame, minLevelCount: Int = 1) throws {
        var columns = [ColumnEncoding]()
        for column in frame.columns {
            switch column.type {
            case .int64, .double, .float, .bool, .date, .timestamp:
                columns.append(ColumnEncoding(name: column.name, kind: .numeric, source: column.type.rawValue))
            case .string, .categorical:
                var counts: [String: Int] = [:]
                for value in column.strings() { if let value { counts[value, default: 0] += 1 } }
                var frequent = counts.filter { $0.value >= minLevelCount }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                var needOthers = frequent.count < counts.count
                if frequent.count > 255 || (needOthers && frequent.count > 254) {
                    frequent = Array(frequent.prefix(254))
                    needOthers = true
                }
                var levels = frequent.map(\.key).sorted()
                if needOthers && !levels.contains(Self.othersLevel) { levels.append(Self.othersLevel) }
                columns.append(ColumnEncoding(name: column.name, kind: .categorical(levels: levels), source: column.type.rawValue))
            case .list, .json:
                continue
            }
        }
        guard !columns.isEmpty else {
            throw LearnError(.invalidData, "no usable feature columns (numbers, text, dates)", field: "data")
        }
        self.columns = columns
    }

    public var featureNames: [String] { columns.map(\.name) }

    /// The input signature these columns make.
    public func signature(target: String?, classes: [String]?) -> ModelSignature {
        ModelSignature(features: columns.map { .init(name: $0.name, kind: $0.kind) }, target: target, classes: classes)
    }

    /// Encodes `frame`; a missing column is an error naming it, unseen levels become `others` (or missing).
    public func matrix(from frame: DataFrame) throws -> FeatureMatrix {
        let n = frame.rowCount
        var values = [Float]()
        values.reserveCapacity(n * columns.count)
        for encoding in columns {
            guard frame.contains(encoding.name) else {
                throw LearnError(.missingFeature, "input has no column \(encoding.name); the model needs \(featureNames.joined(separator: ", "))",
                                 field: encoding.name)
            }
            let column = frame[encoding.name]
            switch encoding.kind {
            case .numeric:
                do {
                    var doubles = try column.doubles()
                    if column.type == .timestamp {
                        for i in 0..<doubles.count { doubles[i] /= 86_400_000_000 }
                    }
                    values.append(contentsOf: doubles.map { Float($0) })
                } catch {
                    throw LearnError(.invalidData, "column \(encoding.name) must be numeric (it was \(encoding.source) in training); got \(column.type)",
                                     field: encoding.name)
                }
            case .categorical(let levels):
                var index: [String: Float] = [:]
                for (code, level) in levels.enumerated() { index[level] = Float(code) }
                let others = index[Self.othersLevel]
                for value in column.strings() {
                    guard let value else { values.append(.nan); continue }
                    values.append(index[value] ?? others ?? .nan)
                }
            }
        }
        return try FeatureMatrix(rowCount: n, columnCount: columns.count, values: values, names: featureNames, kinds: columns.map(\.kind))
    }
}

/// How a target column becomes numeric labels.
public struct TargetEncoding: Codable, Equatable, Sendable {
    public var name: String
    /// Class names in label order when the target is text or boolean; nil for numeric targets.
    public var classes: [String]?

    /// Reads `target` from `frame`: numbers as they are, text and booleans as sorted class indices.
    public static func labels(_ frame: DataFrame, target: String, classes known: [String]? = nil) throws -> (labels: [Double], encoding: TargetEncoding) {
        guard frame.contains(target) else {
            throw LearnError(.invalidData, "input has no target column \(target); columns are \(frame.columnNames.joined(separator: ", "))", field: target)
        }
        let column = frame[target]
        switch column.type {
        case .int64, .double, .float:
            let values = try column.doubles()
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw LearnError(.invalidLabel, "target \(target) at row \(bad) is \(values[bad].isNaN ? "missing" : "\(values[bad])"); labels must be finite",
                                 field: target)
            }
            return (values, TargetEncoding(name: target, classes: known))
        default:
            let strings = column.strings()
            if let bad = strings.firstIndex(where: { $0 == nil }) {
                throw LearnError(.invalidLabel, "target \(target) is missing at row \(bad)", field: target)
            }
            let classes = known ?? Set(strings.compactMap { $0 }).sorted()
            var index: [String: Double] = [:]
            for (i, c) in classes.enumerated() { index[c] = Double(i) }
            var labels = [Double]()
            labels.reserveCapacity(strings.count)
            for (row, value) in strings.enumerated() {
                guard let label = index[value!] else {
                    throw LearnError(.invalidLabel, "target \(target) at row \(row) is \(value!), not one of the classes \(classes.joined(separator: ", "))",
                                     field: target)
                }
                labels.append(label)
            }
            return (labels, TargetEncoding(name: target, classes: classes))
        }
    }
}

extension LabeledData {
    /// Features encoded with `encoder` and labels from `target`.
    public init(frame: DataFrame, target: String, encoder: FrameEncoder, classes: [String]? = nil) throws {
        let (labels, _) = try TargetEncoding.labels(frame, target: target, classes: classes)
        try self.init(features: try encoder.matrix(from: frame), labels: labels)
    }
}

import Foundation
import WharfFrame

/// Fitted preprocessing from a WharfFrame DataFrame to a FeatureMatrix, stored in model files so prediction encodes
/// the same way. Text is handled by WharfFrame transformers (a `Pipeline` of one `RareLevelMapper` and one
/// `OrdinalEncoder` per text column: rare and unseen levels become `others`, levels become their sorted index);
/// the matrix then takes numbers as Float and dates as days.
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
    /// The fitted WharfFrame transformers for the text columns; nil in model files of format version 1, whose
    /// categorical columns map levels to codes by their position in `kind`'s levels.
    public var pipeline: Pipeline?

    /// Learns the encoding of every usable column of `frame` (list and JSON columns are left out).
    /// Levels seen fewer than `minLevelCount` times become `others`, and so do the rarest when more than 255 levels
    /// remain, keeping at most 254 (fewer when levels tie at the cut).
    public init(fitting frame: DataFrame, minLevelCount: Int = 1) throws {
        var columns = [ColumnEncoding]()
        var steps = [any Transformer]()
        var textColumns = [String]()
        for column in frame.columns {
            switch column.type {
            case .int64, .double, .float, .bool, .date, .timestamp:
                columns.append(ColumnEncoding(name: column.name, kind: .numeric, source: column.type.rawValue))
            case .string, .categorical:
                var counts: [String: Int] = [:]
                for value in column.strings() { if let value { counts[value, default: 0] += 1 } }
                // The smallest count a kept level needs: minLevelCount, raised until at most 254 levels pass it
                // when more than 255 would (one code stays free for `others`).
                var needed = max(1, minLevelCount)
                let sorted = counts.values.filter { $0 >= needed }.sorted(by: >)
                if sorted.count > 255 { needed = max(needed, sorted[253] + (sorted[254] == sorted[253] ? 1 : 0)) }
                let rows = Double(max(column.count, 1))
                steps.append(RareLevelMapper(columns: [column.name], minShare: min(1, Double(needed) / rows), otherLabel: Self.othersLevel))
                textColumns.append(column.name)
                columns.append(ColumnEncoding(name: column.name, kind: .categorical(levels: []), source: column.type.rawValue))
            case .list, .json:
                continue
            }
        }
        guard !columns.isEmpty else {
            throw LearnError(.invalidData, "no usable feature columns (numbers, text, dates)", field: "data")
        }
        var pipeline = Pipeline(steps + [OrdinalEncoder(columns: textColumns)])
        do {
            try pipeline.fit(try frame.select(columns.map(\.name)))
        } catch {
            throw LearnError(.invalidData, "could not fit the text encoding: \(error)", field: "data")
        }
        let ordinal = pipeline.steps.last as! OrdinalEncoder
        for i in columns.indices where columns[i].kind.isCategorical {
            columns[i].kind = .categorical(levels: ordinal.levels[columns[i].name] ?? [])
        }
        self.columns = columns
        self.pipeline = pipeline
    }

    public var featureNames: [String] { columns.map(\.name) }

    /// The input signature these columns make.
    public func signature(target: String?, classes: [String]?) -> ModelSignature {
        ModelSignature(features: columns.map { .init(name: $0.name, kind: $0.kind) }, target: target, classes: classes)
    }

    /// Encodes `frame`; a missing column is an error naming it, unseen levels become `others` (or missing).
    public func matrix(from frame: DataFrame) throws -> FeatureMatrix {
        for encoding in columns where !frame.contains(encoding.name) {
            throw LearnError(.missingFeature, "input has no column \(encoding.name); the model needs \(featureNames.joined(separator: ", "))",
                             field: encoding.name)
        }
        var input = try frame.select(featureNames)
        if let pipeline {
            do {
                input = try pipeline.transform(input)
            } catch {
                throw LearnError(.invalidData, "could not apply the model's text encoding: \(error)", field: "preprocessing")
            }
        }
        let n = frame.rowCount
        var values = [Float]()
        values.reserveCapacity(n * columns.count)
        for encoding in columns {
            let column = input[encoding.name]
            switch encoding.kind {
            case .categorical(let levels) where pipeline == nil:
                var index: [String: Float] = [:]
                for (code, level) in levels.enumerated() { index[level] = Float(code) }
                let others = index[Self.othersLevel]
                for value in column.strings() {
                    guard let value else { values.append(.nan); continue }
                    values.append(index[value] ?? others ?? .nan)
                }
            case .categorical:
                // The ordinal encoder's codes, nulls (missing or unseen without `others`) as NaN.
                values.append(contentsOf: try column.doubles().map { Float($0) })
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
            }
        }
        return try FeatureMatrix(rowCount: n, columnCount: columns.count, values: values, names: featureNames, kinds: columns.map(\.kind))
    }

    /// Pipelines hold transformers as existentials, so they compare step by step on the fitted fields of the two
    /// kinds this encoder makes.
    public static func == (a: FrameEncoder, b: FrameEncoder) -> Bool {
        guard a.columns == b.columns else { return false }
        guard let x = a.pipeline?.steps, let y = b.pipeline?.steps else { return a.pipeline == nil && b.pipeline == nil }
        guard x.count == y.count else { return false }
        for (s, t) in zip(x, y) {
            if let s = s as? RareLevelMapper, let t = t as? RareLevelMapper {
                guard s.columns == t.columns, s.minShare == t.minShare, s.otherLabel == t.otherLabel, s.kept == t.kept else { return false }
            } else if let s = s as? OrdinalEncoder, let t = t as? OrdinalEncoder {
                guard s.columns == t.columns, s.levels == t.levels else { return false }
            } else {
                return false
            }
        }
        return true
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

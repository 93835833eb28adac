import Foundation
import Testing
import WharfFrame
@testable import WharfLearn

/// The code-based prediction path must agree exactly with walking the trees' Float thresholds node by node.
@Suite struct QuantizedForestTests {
    /// Margin of one row by the textbook walk over `Tree.nodes` (x < threshold goes left, NaN by the default direction).
    static func referenceMargins(_ model: GBDTModel, row: [Float]) -> [Double] {
        var margins = model.baseMargins
        for (t, tree) in model.trees.enumerated() {
            var index = 0
            while !tree.nodes[index].isLeaf {
                let node = tree.nodes[index], x = row[Int(node.feature)]
                let left = x.isNaN ? node.defaultLeft : x < node.threshold
                index = Int(left ? node.left : node.right)
            }
            margins[Int(model.treeOutputs[t])] += tree.nodes[index].value
        }
        return margins
    }

    /// Rows that hit thresholds exactly, lie outside every threshold, or are missing, besides ordinary values.
    static func probeRows(_ model: GBDTModel, base: LabeledData, count: Int) -> [[Float]] {
        var thresholds = [[Float]](repeating: [], count: model.featureNames.count)
        for tree in model.trees { for node in tree.nodes where !node.isLeaf { thresholds[Int(node.feature)].append(node.threshold) } }
        var generator = SeededGenerator(seed: 11)
        return (0..<count).map { r in
            var row = base.features.row(r % base.rowCount)
            for f in row.indices {
                switch generator.nextIndex(6) {
                case 0: if let t = thresholds[f].randomElement(using: &generator) { row[f] = t }
                case 1: row[f] = .nan
                case 2: row[f] = generator.nextIndex(2) == 0 ? .infinity : -.infinity
                default: break
                }
            }
            return row
        }
    }

    @Test(arguments: [2, 7])
    func batchAndSingleRowMatchTheReferenceWalk(depth: Int) throws {
        let data = TestData.binary(rows: 3000, missingRate: 0.2)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "15", "max_depth": "\(depth)", "eta": "0.3"]).fit(data)
        // 1,000 rows: several blocks of 128, groups of 16 and a tail shorter than 16.
        let rows = Self.probeRows(model, base: data, count: 1000)
        let matrix = try FeatureMatrix(rows: rows, names: model.featureNames)
        let margins = try model.predict(matrix, threads: 2, margins: true)
        var output = [Double](repeating: 0, count: 1)
        for (r, row) in rows.enumerated() {
            let expected = Self.referenceMargins(model, row: row)[0]
            #expect(margins[r] == expected, "row \(r)")
            row.withUnsafeBufferPointer { input in output.withUnsafeMutableBufferPointer { model.predict(row: input, into: $0) } }
            #expect(output[0] == 1 / (1 + exp(-expected)), "row \(r)")
        }
    }

    @Test func heavyTailedFeaturesSearchAllThresholdsAndStillMatch() throws {
        var data = TestData.binary(rows: 4000, missingRate: 0.1)
        // exp(6x) crowds most thresholds into a sliver of the range, past what the slice shortcut allows.
        for r in 0..<data.rowCount where !data.features[r, 0].isNaN { data.features[r, 0] = exp(6 * data.features[r, 0]) }
        let model = try GBDTTrainer(hyperparameters: ["num_round": "40", "max_depth": "6", "eta": "0.3"]).fit(data)
        let forest = try #require(QuantizedForest(trees: model.trees, featureCount: model.featureNames.count))
        #expect(forest.bucketSteps[0] == 0 && forest.bucketSteps.contains { $0 > 0 })
        let rows = Self.probeRows(model, base: data, count: 500)
        let margins = try model.predict(try FeatureMatrix(rows: rows, names: model.featureNames), margins: true)
        for (r, row) in rows.enumerated() { #expect(margins[r] == Self.referenceMargins(model, row: row)[0], "row \(r)") }
    }

    /// 600 features: blocks shrink to 32 rows so every code slot still fits a node's 16-bit offset.
    @Test func wideModelsUseSmallerBlocksAndStillMatch() throws {
        let data = TestData.binary(rows: 1500, features: 600, missingRate: 0.05)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "8", "max_depth": "6", "colsample_bynode": "0.5"]).fit(data)
        let forest = try #require(QuantizedForest(trees: model.trees, featureCount: 600))
        #expect(forest.blockRows == 32)
        #expect(QuantizedForest(trees: [Tree()], featureCount: 2049) == nil)
        let rows = Self.probeRows(model, base: data, count: 200)
        let margins = try model.predict(try FeatureMatrix(rows: rows, names: model.featureNames), threads: 2, margins: true)
        for (r, row) in rows.enumerated() { #expect(margins[r] == Self.referenceMargins(model, row: row)[0], "row \(r)") }
    }

    @Test func leafwiseDeepTreesAndMulticlassMatchTheReferenceWalk() throws {
        let data = TestData.multiclass(rows: 2000)
        let model = try GBDTTrainer(hyperparameters: ["objective": "multi:softprob", "num_class": "3", "num_round": "6",
                                                      "num_leaves": "40", "max_depth": "0"]).fit(data)
        #expect(model.trees.contains { tree in tree.nodes.count > 2 * 31 })
        let rows = Self.probeRows(model, base: data, count: 300)
        let margins = try model.predict(try FeatureMatrix(rows: rows, names: model.featureNames), margins: true)
        for (r, row) in rows.enumerated() {
            #expect(Array(margins[(3 * r)..<(3 * r + 3)]) == Self.referenceMargins(model, row: row), "row \(r)")
        }
    }

    @Test func categoricalSplitsUseTheGeneralWalk() throws {
        let data = TestData.categorical(rows: 2000)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "10", "max_cat_to_onehot": "1"]).fit(data)
        #expect(QuantizedForest(trees: model.trees, featureCount: 2) == nil)
        #expect(model.predict(row: [3, 0])[0] > 0.7)
    }
}

import Foundation
import Testing
@testable import WharfLearn

/// Inputs the `model` fuzz target (Fuzz/corpus/model) found hanging or trapping the XGBoost importer.
@Suite struct XGBoostImportFuzzRegressionTests {
    /// A one-tree XGBoost JSON model over two features with the given node arrays.
    func model(left: [Int], right: [Int], indices: [Int]) -> Data {
        let n = left.count
        let tree: [String: Any] = [
            "left_children": left, "right_children": right, "split_indices": indices,
            "split_conditions": [Double](repeating: 0.5, count: n), "default_left": [Int](repeating: 0, count: n),
            "base_weights": [Double](repeating: 0, count: n),
        ]
        let root: [String: Any] = [
            "learner": [
                "feature_names": ["x0", "x1"],
                "learner_model_param": ["base_score": "5E-1", "num_class": "0", "num_feature": "2"],
                "objective": ["name": "binary:logistic"],
                "gradient_booster": ["name": "gbtree", "model": ["trees": [tree], "tree_info": [0]]],
            ] as [String: Any],
        ]
        return try! JSONSerialization.data(withJSONObject: root)
    }

    @Test func wellFormedTreeLoadsAndPredicts() throws {
        let m = try XGBoostImport.load(json: model(left: [1, -1, -1], right: [2, -1, -1], indices: [1, 0, 0]))
        #expect(m.predict(row: [0, 0]).count == 1)
    }

    /// A child numbered before its parent made a cycle, and compiling the forest followed it forever (the
    /// fuzzer's input: a node whose left child was the root); a child shared by two parents, or both children
    /// one node, was copied once per path, which doubles with every level.
    @Test(arguments: [
        ([1, 0, -1], [2, 2, -1]), ([0, -1], [1, -1]), ([2, -1, 1], [2, -1, 1]),
        ([1, -1, -1], [1, -1, -1]), ([1, 3, 3, -1, -1], [2, 4, 4, -1, -1]),
    ])
    func nodeArraysThatAreNotATreeAreRefused(left: [Int], right: [Int]) {
        let error = #expect(throws: LearnError.self) {
            try XGBoostImport.load(json: model(left: left, right: right, indices: [Int](repeating: 0, count: left.count)))
        }
        #expect(error?.code == .invalidModel)
    }

    /// A one-output objective with num_class 5 gave one base margin for five outputs, and predict read past it.
    @Test func oneOutputObjectiveWithClassesIsRefused() throws {
        let text = String(decoding: model(left: [1, -1, -1], right: [2, -1, -1], indices: [1, 0, 0]), as: UTF8.self)
            .replacingOccurrences(of: #""num_class":"0""#, with: #""num_class":"5""#)
        #expect(text.contains(#""num_class":"5""#))
        let error = #expect(throws: LearnError.self) { try XGBoostImport.load(json: Data(text.utf8)) }
        #expect(error?.field == "num_class")
    }

    /// A split feature index beyond Int32 trapped in the conversion.
    @Test func featureIndexBeyond32BitsIsRefused() {
        let error = #expect(throws: LearnError.self) {
            try XGBoostImport.load(json: model(left: [1, -1, -1], right: [2, -1, -1], indices: [3_000_000_000, 0, 0]))
        }
        #expect(error?.code == .invalidModel)
    }
}

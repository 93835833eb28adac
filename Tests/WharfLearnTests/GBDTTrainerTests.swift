import Foundation
import Testing
@testable import WharfLearn

@Suite struct GBDTTrainerTests {
    @Test func learnsPlantedBinarySignalDepthwiseAndLeafwise() throws {
        let data = TestData.binary(rows: 6000)
        let (train, test) = data.stratifiedSplit(testFraction: 0.25, seed: 7)
        for hp in [["max_depth": "4"], ["num_leaves": "15"]] {
            var params = hp
            params["num_round"] = "60"
            params["eta"] = "0.2"
            let model = try GBDTTrainer(hyperparameters: params).fit(train)
            let auc = ROCAUC.auc(scores: try model.predict(test.features), labels: test.labels)
            #expect(auc > 0.8, "AUC \(auc) with \(hp)")
            #expect(model.trees.count == 60)
        }
    }

    @Test func depthAndLeafLimitsHold() throws {
        let data = TestData.binary(rows: 3000)
        let deep = try GBDTTrainer(hyperparameters: ["num_round": "5", "max_depth": "3"]).fit(data)
        for tree in deep.trees { #expect(tree.leafCount <= 8) }
        let leafy = try GBDTTrainer(hyperparameters: ["num_round": "5", "num_leaves": "5"]).fit(data)
        for tree in leafy.trees { #expect(tree.leafCount <= 5) }
        #expect(leafy.trees.contains { $0.leafCount == 5 })
    }

    @Test func squaredErrorFitsRegression() throws {
        let data = TestData.regression(rows: 4000)
        let (train, test) = (data.selectingRows(Array(0..<3000)), data.selectingRows(Array(3000..<4000)))
        let model = try GBDTTrainer(hyperparameters: ["objective": "reg:squarederror", "num_round": "150", "eta": "0.1"]).fit(train)
        let predictions = try model.predict(test.features)
        let r2 = RSquared().evaluate(predictions: predictions, outputCount: 1, labels: test.labels, weights: nil)
        #expect(r2 > 0.95, "R2 \(r2)")
    }

    @Test func softmaxSeparatesThreeClasses() throws {
        let data = TestData.multiclass(rows: 3000)
        let (train, test) = data.stratifiedSplit(testFraction: 0.3, seed: 1)
        let model = try GBDTTrainer(hyperparameters: ["objective": "multi:softprob", "num_class": "3", "num_round": "30"]).fit(train)
        let p = try model.predict(test.features)
        #expect(p.count == test.rowCount * 3)
        for r in 0..<test.rowCount { #expect(abs(p[3 * r] + p[3 * r + 1] + p[3 * r + 2] - 1) < 1e-9) }
        let accuracy = Accuracy().evaluate(predictions: p, outputCount: 3, labels: test.labels, weights: nil)
        #expect(accuracy > 0.8, "accuracy \(accuracy)")
    }

    @Test func missingValuesLearnADefaultDirection() throws {
        // Label is 1 exactly when x is missing or large: the split must send missing values right.
        var x = [Float](), labels = [Double]()
        for i in 0..<2000 {
            let v = Float(i % 100) / 100
            let missing = i % 5 == 0
            x.append(missing ? .nan : v)
            labels.append(missing || v > 0.7 ? 1 : 0)
        }
        let data = try LabeledData(features: FeatureMatrix(columns: [x]), labels: labels)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "20", "max_depth": "2"]).fit(data)
        #expect(model.predict(row: [.nan])[0] > 0.9)
        #expect(model.predict(row: [0.1])[0] < 0.1)
        #expect(model.predict(row: [0.9])[0] > 0.9)
    }

    @Test func nativeCategoricalSplitsFindTheLevelGroup() throws {
        let data = TestData.categorical(rows: 4000)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "10", "max_depth": "2"]).fit(data)
        #expect(model.trees[0].nodes[0].isCategorical)
        #expect(model.trees[0].nodes[0].feature == 0)
        let auc = ROCAUC.auc(scores: try model.predict(data.features), labels: data.labels)
        #expect(auc > 0.8)
        #expect(model.predict(row: [3, 0])[0] > 0.7)
        #expect(model.predict(row: [2, 0])[0] < 0.3)
    }

    @Test func earlyStoppingKeepsTheBestRound() throws {
        let data = TestData.binary(rows: 3000, seed: 9)
        let (train, valid) = data.stratifiedSplit(testFraction: 0.3, seed: 2)
        var reports = [RoundReport]()
        let model = try GBDTTrainer(hyperparameters: ["num_round": "400", "eta": "0.5", "max_depth": "6", "eval_metric": "logloss",
                                                      "early_stopping_rounds": "10"])
            .fit(train, validation: valid) { reports.append($0) }
        #expect(reports.count < 400)
        let best = try #require(model.bestIteration)
        #expect(model.trees.count == best + 1)
        #expect(reports.last!.round - best == 10)
        #expect(reports.allSatisfy { $0.metrics.first?.name == "validation-logloss" })
        let losses = model.history["validation-logloss"]!
        #expect(losses[best] == losses.min())
    }

    @Test func sameSeedAndThreadsGiveIdenticalModels() throws {
        let data = TestData.binary(rows: 20_000)
        let hp = ["num_round": "5", "subsample": "0.8", "colsample_bynode": "0.7", "seed": "42", "nthread": "2", "num_leaves": "31"]
        let a = try GBDTTrainer(hyperparameters: hp).fit(data)
        let b = try GBDTTrainer(hyperparameters: hp).fit(data)
        #expect(a == b)
        var other = hp
        other["seed"] = "43"
        #expect(try GBDTTrainer(hyperparameters: other).fit(data) != a)
    }

    @Test func randomForestAveragesTrees() throws {
        let data = TestData.binary(rows: 4000)
        let (train, test) = data.stratifiedSplit(testFraction: 0.25, seed: 3)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "40", "max_depth": "8", "seed": "1"], randomForest: true).fit(train)
        let auc = ROCAUC.auc(scores: try model.predict(test.features), labels: test.labels)
        #expect(auc > 0.8, "AUC \(auc)")
        #expect(model.trees.count == 40)
    }

    @Test func featureImportanceRanksInformativeFeatures() throws {
        let data = TestData.binary(rows: 4000, missingRate: 0)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "30"]).fit(data)
        let gain = model.featureImportance(.gain)
        let top = Set(gain.prefix(3).map(\.feature))
        #expect(top.contains("f0") && top.contains("f1"))
        let weight = model.featureImportance(.weight)
        let splits = model.trees.reduce(0) { $0 + $1.nodes.filter { !$0.isLeaf }.count }
        #expect(weight.reduce(0) { $0 + $1.value } == Double(splits))
        #expect(model.featureImportance(.cover).allSatisfy { $0.value > 0 })
    }
}

import Foundation
import Testing
import WharfFrame
@testable import WharfLearn

@Suite struct ModelArtifactTests {
    func signature(_ m: FeatureMatrix) -> ModelSignature {
        ModelSignature(features: zip(m.names, m.kinds).map { .init(name: $0, kind: $1) }, target: "label", classes: ["0", "1"])
    }

    @Test func gbdtReloadPredictsBitIdentically() throws {
        let data = TestData.categorical(rows: 2000)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "15", "num_leaves": "7", "eta": "0.37"]).fit(data)
        let artifact = ModelArtifact(algorithm: "gbdt", signature: signature(data.features), parameters: ["eta": "0.37"],
                                     metrics: ["auc": 0.9], model: .trees(model))
        let reloaded = try ModelArtifact.decode(try artifact.encoded())
        #expect(reloaded == artifact)
        let before = try artifact.predict(data.features), after = try reloaded.predict(data.features)
        #expect(before.map(\.bitPattern) == after.map(\.bitPattern))
    }

    @Test func linearReloadPredictsBitIdentically() throws {
        let data = TestData.binary(rows: 800)
        let model = try LinearTrainer(hyperparameters: ["C": "0.3"]).fit(data)
        let artifact = ModelArtifact(algorithm: "linear", signature: signature(data.features), model: .linear(model))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-linear-\(UUID().uuidString).wharf")
        defer { try? FileManager.default.removeItem(at: url) }
        try artifact.write(to: url)
        let reloaded = try ModelArtifact.read(from: url)
        #expect(try artifact.predict(data.features).map(\.bitPattern) == reloaded.predict(data.features).map(\.bitPattern))
    }

    /// A table with text, numbers, dates and nulls, and its binary label.
    static func leadFrame(rows: Int, seed: UInt64) throws -> DataFrame {
        var generator = SeededGenerator(seed: seed)
        let sources = ["web", "referral", "event", "partner", "cold call"]
        var source = [String?](), visits = [Double?](), city = [String?](), label = [String]()
        for _ in 0..<rows {
            let s = generator.nextIndex(sources.count), v = generator.nextGaussian()
            source.append(generator.nextUnit() < 0.05 ? nil : sources[s])
            visits.append(generator.nextUnit() < 0.05 ? nil : v)
            city.append("c\(generator.nextIndex(30))")
            label.append(generator.nextUnit() < 1 / (1 + exp(-(Double(s) - 2 + v))) ? "yes" : "no")
        }
        return try DataFrame([Column("source", source), Column("visits", visits), Column("city", city), Column("converted", label)])
    }

    static func trainFromFrame() throws -> (ModelArtifact, DataFrame) {
        let frame = try leadFrame(rows: 2000, seed: 5)
        let features = try frame.drop(["converted"])
        let encoder = try FrameEncoder(fitting: features, minLevelCount: 40)
        let data = try LabeledData(frame: frame, target: "converted", encoder: encoder)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "20", "max_depth": "4"]).fit(data)
        let artifact = ModelArtifact(algorithm: "gbdt", signature: encoder.signature(target: "converted", classes: ["no", "yes"]),
                                     preprocessing: encoder, model: .trees(model))
        return (artifact, features)
    }

    @Test func frameModelReloadPredictsBitIdenticallyThroughWharfFrameTransformers() throws {
        let (artifact, features) = try Self.trainFromFrame()
        let data = try artifact.encoded()
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["format_version"] as? Int == 2)
        let pipeline = try #require((json["preprocessing"] as? [String: Any])?["pipeline"] as? [String: Any])
        #expect((pipeline["steps"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["rare_levels", "rare_levels", "ordinal"])
        let reloaded = try ModelArtifact.decode(data)
        #expect(reloaded == artifact)
        let before = try artifact.predict(features), after = try reloaded.predict(features)
        #expect(before.map(\.bitPattern) == after.map(\.bitPattern))
    }

    @Test func unseenAndMissingCategoriesAtPredictTimeDoNotCrash() throws {
        let (artifact, _) = try Self.trainFromFrame()
        let reloaded = try ModelArtifact.decode(try artifact.encoded())
        let fresh = try DataFrame([
            Column("city", ["c3", "atlantis", nil, "c99"] as [String?]),
            Column("visits", [0.5, nil, 1.0, -1.0] as [Double?]),
            Column("source", ["web", "carrier pigeon", "event", nil] as [String?]),
            Column("extra", ["ignored", "ignored", "ignored", "ignored"]),
        ])
        let predictions = try reloaded.predict(fresh)
        #expect(predictions.count == 4 && predictions.allSatisfy { $0 > 0 && $0 < 1 })
        // An unseen source is `others` when training had rare sources; here every source was frequent, so it is missing.
        let matrix = try #require(reloaded.preprocessing).matrix(from: fresh)
        #expect(matrix[1, matrix.columnIndex("source")!].isNaN)
        let withNaN = try artifact.predict(try FeatureMatrix(rows: [matrix.row(1)], names: matrix.names, kinds: matrix.kinds))
        #expect(predictions[1] == withNaN[0])
    }

    @Test func version1ModelFilesStillLoadAndEncodeByLevelPosition() throws {
        let (artifact, features) = try Self.trainFromFrame()
        // A version 1 file: the same model with the encoder's columns only (codes = position in the levels).
        var json = try #require(try JSONSerialization.jsonObject(with: try artifact.encoded()) as? [String: Any])
        json["format_version"] = 1
        var preprocessing = try #require(json["preprocessing"] as? [String: Any])
        preprocessing.removeValue(forKey: "pipeline")
        json["preprocessing"] = preprocessing
        let old = try ModelArtifact.decode(try JSONSerialization.data(withJSONObject: json))
        #expect(old.formatVersion == 1 && old.preprocessing?.pipeline == nil)
        // Both encodings give each level its position in the sorted levels, so the predictions agree.
        #expect(try old.predict(features) == (try artifact.predict(features)))
    }

    @Test func newerFormatVersionIsRefused() throws {
        let data = TestData.binary(rows: 200)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "2"]).fit(data)
        var artifact = ModelArtifact(algorithm: "gbdt", signature: signature(data.features), model: .trees(model))
        artifact.formatVersion = ModelArtifact.currentVersion + 1
        let error = try #require(throws: LearnError.self) { try ModelArtifact.decode(try artifact.encoded()) }
        #expect(error.code == .unsupportedVersion)
        #expect(error.message.contains("newer"))
        #expect(throws: LearnError.self) { try ModelArtifact.decode(Data("{\"format\":\"onnx\",\"format_version\":1}".utf8)) }
        #expect(throws: LearnError.self) { try ModelArtifact.decode(Data("not json".utf8)) }
    }

    @Test func missingFeatureAtPredictTimeIsNamed() throws {
        let data = TestData.binary(rows: 300)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "2"]).fit(data)
        let partial = try FeatureMatrix(columns: [[1], [2]], names: ["f0", "f1"])
        let error = try #require(throws: LearnError.self) { try model.predict(partial) }
        #expect(error.code == .missingFeature && error.field == "f2")
    }

    @Test func singleRowAndBatchPredictionsAgree() throws {
        let data = TestData.binary(rows: 5000)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "20"]).fit(data)
        let batch = try model.predict(data.features, threads: 2)
        var output = [Double](repeating: 0, count: 1)
        for r in stride(from: 0, to: 5000, by: 97) {
            let row = data.features.row(r)
            row.withUnsafeBufferPointer { input in output.withUnsafeMutableBufferPointer { model.predict(row: input, into: $0) } }
            #expect(output[0].bitPattern == batch[r].bitPattern)
        }
    }
}

@Suite struct XGBoostImportTests {
    struct Fixture: Decodable {
        var rows: [[Double?]]
        var binary_predictions: [Double]
        var multi_predictions: [[Double]]
        var feature_names: [String]
    }

    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func loadFixture() throws -> (Fixture, FeatureMatrix) {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: folder.appendingPathComponent("xgb_predictions.json")))
        let rows = fixture.rows.map { $0.map { $0.map(Float.init) ?? .nan } }
        return (fixture, try FeatureMatrix(rows: rows, names: fixture.feature_names))
    }

    @Test func binaryModelPredictsXGBoostsProbabilities() throws {
        let (fixture, matrix) = try loadFixture()
        let model = try XGBoostImport.load(contentsOf: folder.appendingPathComponent("xgb_binary.json"))
        #expect(model.trees.count == 12 && model.featureNames == fixture.feature_names)
        let predictions = try model.predict(matrix)
        for (ours, theirs) in zip(predictions, fixture.binary_predictions) { #expect(abs(ours - theirs) < 1e-6) }
    }

    @Test func multiclassModelPredictsXGBoostsProbabilities() throws {
        let (fixture, matrix) = try loadFixture()
        let model = try XGBoostImport.load(contentsOf: folder.appendingPathComponent("xgb_multi.json"))
        #expect(model.outputCount == 3)
        let predictions = try model.predict(matrix)
        for (r, row) in fixture.multi_predictions.enumerated() {
            for k in 0..<3 { #expect(abs(predictions[r * 3 + k] - row[k]) < 1e-6) }
        }
    }

    struct CategoricalFixture: Decodable {
        var rows: [[Double?]]
        var predictions: [Double]
        var feature_names: [String]
    }

    /// Partition splits (12 levels), one-hot splits (3 levels), a numeric feature, missing values and levels never
    /// seen in training, from `xgb.train(..., enable_categorical=True)`.
    @Test func categoricalModelPredictsXGBoostsProbabilities() throws {
        let fixture = try JSONDecoder().decode(CategoricalFixture.self,
                                               from: Data(contentsOf: folder.appendingPathComponent("xgb_categorical_predictions.json")))
        let model = try XGBoostImport.load(contentsOf: folder.appendingPathComponent("xgb_categorical.json"))
        #expect(model.featureKinds.map(\.isCategorical) == [true, true, false, true])
        #expect(model.trees.contains { $0.nodes.contains { !$0.isLeaf && $0.isCategorical } })
        let rows = fixture.rows.map { $0.map { $0.map(Float.init) ?? .nan } }
        let matrix = try FeatureMatrix(rows: rows, names: fixture.feature_names, kinds: model.featureKinds)
        let predictions = try model.predict(matrix)
        #expect(predictions.count == fixture.predictions.count)
        for (r, (ours, theirs)) in zip(predictions, fixture.predictions).enumerated() { #expect(abs(ours - theirs) < 1e-6, "row \(r)") }
        var output = [Double](repeating: 0, count: 1)
        for (r, row) in rows.enumerated() {
            row.withUnsafeBufferPointer { input in output.withUnsafeMutableBufferPointer { model.predict(row: input, into: $0) } }
            #expect(output[0] == predictions[r])
        }
        // XGBoost sends codes outside its category sets left, however large or negative (checked with xgboost 3.2:
        // 12, 300 and -1 for c0 give the same probability).
        let outside = try model.predict(try FeatureMatrix(rows: [[12, 1, 0.2, 2], [300, 1, 0.2, 2], [-1, 1, 0.2, 2]],
                                                          names: fixture.feature_names, kinds: model.featureKinds))
        #expect(outside[1] == outside[0] && outside[2] == outside[0])
    }

    @Test func notAnXGBoostModelIsRejected() {
        #expect(throws: LearnError.self) { try XGBoostImport.load(json: Data("{\"trees\": []}".utf8)) }
        #expect(throws: LearnError.self) { try XGBoostImport.load(json: Data("{\"learner\": {\"gradient_booster\": {\"name\": \"gblinear\"}}}".utf8)) }
    }
}

@Suite struct BadInputTests {
    @Test func nonFiniteLabelsAreRejected() throws {
        let x = try FeatureMatrix(columns: [[1, 2, 3]])
        let nan = try #require(throws: LearnError.self) { try LabeledData(features: x, labels: [0, .nan, 1]) }
        #expect(nan.code == .invalidLabel && nan.message.contains("row 1"))
        #expect(throws: LearnError.self) { try LabeledData(features: x, labels: [0, .infinity, 1]) }
    }

    @Test func singleClassAndConstantTargetsAreRejected() throws {
        let data = try LabeledData(features: FeatureMatrix(columns: [[1, 2, 3]]), labels: [1, 1, 1])
        let error = try #require(throws: LearnError.self) { try GBDTTrainer(hyperparameters: [:]).fit(data) }
        #expect(error.message.contains("both classes"))
        let labels = try LabeledData(features: FeatureMatrix(columns: [[1, 2, 3]]), labels: [0, 2, 1])
        #expect(throws: LearnError.self) { try GBDTTrainer(hyperparameters: [:]).fit(labels) }
    }

    @Test func unknownAndOutOfRangeHyperparametersNameTheParameter() throws {
        let unknown = try #require(throws: LearnError.self) { try BoosterParameters(["max_dept": "3"]) }
        #expect(unknown.code == .unknownParameter && unknown.field == "max_dept")
        let range = try #require(throws: LearnError.self) { try BoosterParameters(["eta": "1.5"]) }
        #expect(range.field == "eta" && range.message.contains("(0.0, 1.0]"))
        let bins = try #require(throws: LearnError.self) { try BoosterParameters(["max_bin": "256"]) }
        #expect(bins.field == "max_bin" && bins.message.contains("2...255"))
        let notNumber = try #require(throws: LearnError.self) { try BoosterParameters(["num_round": "ten"]) }
        #expect(notNumber.field == "num_round")
        #expect(throws: LearnError.self) { try BoosterParameters(["objective": "multi:softprob"]) }
        #expect(throws: LearnError.self) { try BoosterParameters(["eval_metric": "f2"]) }
    }

    @Test func lightGBMAliasesMapToTheSameSettings() throws {
        let p = try BoosterParameters(["num_leaves": "63", "learning_rate": "0.1", "feature_fraction": "0.8", "bagging_fraction": "0.7",
                                       "min_data_in_leaf": "20"])
        #expect(p.maxLeaves == 63 && p.growPolicy == .lossguide && p.maxDepth == 0)
        #expect(p.eta == 0.1 && p.colsampleBytree == 0.8 && p.subsample == 0.7 && p.minDataInLeaf == 20)
    }

    @Test func infiniteFeatureValuesAreRejected() throws {
        let data = try LabeledData(features: FeatureMatrix(columns: [[1, .infinity, 3, 4]], names: ["age"]), labels: [0, 1, 0, 1])
        let error = try #require(throws: LearnError.self) { try GBDTTrainer(hyperparameters: [:]).fit(data) }
        #expect(error.field == "age")
    }
}

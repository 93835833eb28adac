import Foundation
import Testing
import WharfFrame
@testable import WharfLearn

@Suite struct LeadScoringQualityTests {
    /// The real lead-scoring table when ../shared/data is present, else a generated table of the same kind of schema.
    func table() throws -> (frame: DataFrame, real: Bool) {
        if let shared = TestData.sharedData {
            let path = shared.appendingPathComponent("leadscoring/leadscoring_inference_with_labels.csv").path
            if FileManager.default.fileExists(atPath: path) { return (try CSVReader.read(path: path), true) }
        }
        var generator = WharfLearn.SeededGenerator(seed: 21)
        let cities = ["mumbai", "delhi", "pune", "kolkata", "nagpur", "surat", "agra"]
        var city = [String?](), platform = [String?](), leads = [Double?](), clicks = [Double?](), label = [Int64]()
        for _ in 0..<3000 {
            let c = generator.nextIndex(cities.count), p = generator.nextIndex(12)
            let click = generator.nextUnit() < 0.4 ? Double(generator.nextIndex(6)) : nil
            let margin: Double = (c < 2 ? 0.8 : -0.2) + (p % 3 == 0 ? 1.0 : -0.5) + (click ?? 0) * 0.5 - 0.6
            city.append(generator.nextUnit() < 0.05 ? nil : cities[c])
            platform.append("Level\(p)")
            leads.append(Double(1 + generator.nextIndex(3)))
            clicks.append(click)
            label.append(generator.nextUnit() < 1 / (1 + exp(-margin)) ? 1 : 0)
        }
        let frame = try DataFrame([Column("city_mapped", city), Column("first_platform_c", platform),
                                   Column("total_leads_droppped", leads), Column("chat_clicked", clicks), Column("app_complete_flag", label)])
        return (frame, false)
    }

    @Test func gbdtReachesPublishedAUCOnLeadScoring() throws {
        let (frame, real) = try table()
        let features = try frame.drop(["app_complete_flag"])
        let encoder = try FrameEncoder(fitting: features, minLevelCount: 25)
        let data = try LabeledData(frame: frame, target: "app_complete_flag", encoder: encoder)
        let (train, test) = data.stratifiedSplit(testFraction: 0.2, seed: 42)
        let model = try GBDTTrainer(hyperparameters: ["num_leaves": "31", "learning_rate": "0.05", "num_round": "300",
                                                      "min_data_in_leaf": "20", "colsample_bytree": "0.8", "seed": "42"]).fit(train)
        let auc = ROCAUC.auc(scores: try model.predict(test.features), labels: test.labels)
        // pycaret's LightGBM reached 0.821 on the real table.
        #expect(auc >= (real ? 0.82 : 0.7), "AUC \(auc) on \(real ? "real" : "generated") lead-scoring data")
        let artifact = ModelArtifact(algorithm: "gbdt", signature: encoder.signature(target: "app_complete_flag", classes: nil),
                                     preprocessing: encoder, model: .trees(model))
        let reloaded = try ModelArtifact.decode(try artifact.encoded())
        let fromFrame = try reloaded.predict(features.select(Array(features.columnNames.reversed())))
        #expect(try fromFrame.map(\.bitPattern) == artifact.predict(data.features).map(\.bitPattern))
    }
}

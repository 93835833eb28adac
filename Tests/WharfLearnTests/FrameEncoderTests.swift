import Foundation
import Testing
import WharfFrame
@testable import WharfLearn

@Suite struct FrameEncoderTests {
    func frame() throws -> DataFrame {
        try DataFrame([
            Column("city", ["pune", "pune", "agra", "pune", nil, "agra", "surat"] as [String?]),
            Column("leads", [1.0, 2.0, nil, 4.0, 5.0, 6.0, 7.0] as [Double?]),
            Column("label", ["yes", "no", "yes", "no", "no", "yes", "no"]),
        ])
    }

    @Test func rareLevelsBecomeOthersAndUnseenLevelsFollow() throws {
        let features = try frame().drop(["label"])
        let encoder = try FrameEncoder(fitting: features, minLevelCount: 2)
        #expect(encoder.columns[0].kind == .categorical(levels: ["agra", "others", "pune"]))
        // The text encoding is WharfFrame's: one rare-level mapper for the column, then one ordinal encoder.
        #expect(encoder.pipeline?.steps.map { type(of: $0).kind } == ["rare_levels", "ordinal"])
        let matrix = try encoder.matrix(from: features)
        #expect(Array(matrix.column(0)).map { $0.isNaN ? -1 : $0 } == [2, 2, 0, 2, -1, 0, 1])
        #expect(matrix.column(1)[matrix.rowCount + 2].isNaN)
        let unseen = try DataFrame([Column("leads", [3.0]), Column("city", ["delhi"])])
        #expect(try encoder.matrix(from: unseen)[0, 0] == 1)
        // Without an `others` level (nothing was rare), an unseen level is missing.
        let everyLevel = try FrameEncoder(fitting: features)
        #expect(try everyLevel.matrix(from: unseen)[0, 0].isNaN)
    }

    @Test func moreThan255LevelsKeepTheMostFrequent() throws {
        // 300 levels: level i appears 300 - i times, so the 254 most frequent are levels 0...253.
        var values = [String]()
        for i in 0..<300 { values += Array(repeating: String(format: "l%03d", i), count: 300 - i) }
        let encoder = try FrameEncoder(fitting: try DataFrame([Column("kind", values)]))
        guard case .categorical(let levels) = encoder.columns[0].kind else { Issue.record("not categorical"); return }
        #expect(levels.count == 255 && levels.contains("others") && levels.contains("l253") && !levels.contains("l254"))
    }

    @Test func missingColumnAtPredictionIsNamed() throws {
        let encoder = try FrameEncoder(fitting: try frame().drop(["label"]))
        let error = try #require(throws: LearnError.self) { try encoder.matrix(from: DataFrame([Column("city", ["pune"])])) }
        #expect(error.code == .missingFeature && error.field == "leads")
    }

    @Test func textTargetsBecomeSortedClasses() throws {
        let (labels, encoding) = try TargetEncoding.labels(try frame(), target: "label")
        #expect(encoding.classes == ["no", "yes"])
        #expect(labels == [1, 0, 1, 0, 0, 1, 0])
        let missing = try DataFrame([Column("y", [1.0, nil] as [Double?])])
        let error = try #require(throws: LearnError.self) { try TargetEncoding.labels(missing, target: "y") }
        #expect(error.code == .invalidLabel && error.message.contains("row 1"))
        #expect(throws: LearnError.self) { try TargetEncoding.labels(try frame(), target: "nope") }
    }
}

@Suite struct PlotTests {
    @Test func rocAndPrecisionRecallPlotsAreCompleteSVG() throws {
        let scores = [0.9, 0.8, 0.7, 0.6, 0.3, 0.2], labels: [Double] = [1, 1, 0, 1, 0, 0]
        let roc = EvaluationPlots.roc(scores: scores, labels: labels)
        #expect(roc.hasPrefix("<svg") && roc.hasSuffix("</svg>\n"))
        #expect(roc.contains("<polyline") && roc.contains("AUC 0.8889"))
        let pr = EvaluationPlots.precisionRecall(scores: scores, labels: labels)
        #expect(pr.contains("<polyline") && pr.contains("Precision"))
        // The ROC polyline has one vertex per distinct threshold plus the origin.
        let points = roc.components(separatedBy: "points=\"")[1].components(separatedBy: "\"")[0].split(separator: " ")
        #expect(points.count == 7)
    }

    @Test func importanceAndRoundPlotsNameFeaturesAndMetrics() throws {
        let data = TestData.binary(rows: 1500)
        let (train, valid) = data.stratifiedSplit(testFraction: 0.3, seed: 1)
        let model = try GBDTTrainer(hyperparameters: ["num_round": "8", "eval_metric": "auc,logloss"]).fit(train, validation: valid)
        let bars = EvaluationPlots.importance(model)
        #expect(bars.contains(">f0<") && bars.contains("<rect"))
        let rounds = try #require(EvaluationPlots.rounds(model.history))
        #expect(rounds.contains("validation-auc") && rounds.contains("validation-logloss"))
        #expect(SVGChart.escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
    }
}

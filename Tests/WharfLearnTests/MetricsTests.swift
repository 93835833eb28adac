import Foundation
import Testing
import WharfFrame
@testable import WharfLearn

@Suite struct MetricsTests {
    /// O(n^2) reference: the share of (positive, negative) pairs ranked correctly, ties counting half.
    func naiveAUC(_ scores: [Double], _ labels: [Double]) -> Double {
        var good = 0.0, pairs = 0.0
        for i in scores.indices where labels[i] == 1 {
            for j in scores.indices where labels[j] == 0 {
                pairs += 1
                if scores[i] > scores[j] { good += 1 } else if scores[i] == scores[j] { good += 0.5 }
            }
        }
        return good / pairs
    }

    @Test func aucMatchesNaivePairCountWithTies() {
        var generator = SeededGenerator(seed: 11)
        for trial in 0..<5 {
            let n = 300 + trial * 50
            // Rounded scores force many ties.
            let scores = (0..<n).map { _ in (generator.nextUnit() * 20).rounded() / 20 }
            let labels = scores.map { generator.nextUnit() < $0 ? 1.0 : 0.0 }
            #expect(abs(ROCAUC.auc(scores: scores, labels: labels) - naiveAUC(scores, labels)) < 1e-12)
        }
    }

    @Test func aucOfPerfectAndReversedRankings() {
        let labels: [Double] = [0, 0, 1, 1]
        #expect(ROCAUC.auc(scores: [0.1, 0.2, 0.8, 0.9], labels: labels) == 1)
        #expect(ROCAUC.auc(scores: [0.9, 0.8, 0.2, 0.1], labels: labels) == 0)
        #expect(ROCAUC.auc(scores: [0.5, 0.5, 0.5, 0.5], labels: labels) == 0.5)
        #expect(ROCAUC.auc(scores: [0.1, 0.2], labels: [1, 1]).isNaN)
    }

    @Test func averagePrecisionMatchesHandComputedValue() {
        // scikit-learn: average_precision_score([0,0,1,1], [0.1,0.4,0.35,0.8]) == 0.8333...
        let ap = AveragePrecision().evaluate(predictions: [0.1, 0.4, 0.35, 0.8], outputCount: 1, labels: [0, 0, 1, 1], weights: nil)
        #expect(abs(ap - 5.0 / 6.0) < 1e-12)
    }

    @Test func logLossAndThresholdMetrics() {
        let p = [0.9, 0.2, 0.6, 0.4], y: [Double] = [1, 0, 0, 1]
        let expected = -(log(0.9) + log(0.8) + log(0.4) + log(0.4)) / 4
        #expect(abs(LogLoss().evaluate(predictions: p, outputCount: 1, labels: y, weights: nil) - expected) < 1e-12)
        let cm = ConfusionMatrix(probabilities: p, labels: y)
        #expect(cm.truePositives == 1 && cm.falsePositives == 1 && cm.trueNegatives == 1 && cm.falseNegatives == 1)
        #expect(cm.precision == 0.5 && cm.recall == 0.5 && cm.f1 == 0.5 && cm.accuracy == 0.5)
        #expect(Accuracy().evaluate(predictions: p, outputCount: 1, labels: y, weights: nil) == 0.5)
    }

    @Test func regressionMetricsAgainstClosedForms() {
        let y: [Double] = [1, 2, 3, 4], p: [Double] = [1.5, 2, 2.5, 5]
        #expect(abs(RootMeanSquaredError().evaluate(predictions: p, outputCount: 1, labels: y, weights: nil) - (1.5 / 4).squareRoot()) < 1e-12)
        #expect(abs(MeanAbsoluteError().evaluate(predictions: p, outputCount: 1, labels: y, weights: nil) - 0.5) < 1e-12)
        #expect(abs(RSquared().evaluate(predictions: p, outputCount: 1, labels: y, weights: nil) - (1 - 1.5 / 5)) < 1e-12)
    }

    @Test func curvesRunFromCornerToCorner() {
        let scores = [0.9, 0.8, 0.7, 0.3, 0.2], labels: [Double] = [1, 0, 1, 0, 0]
        let roc = Curves.roc(scores: scores, labels: labels)
        #expect(roc.first?.falsePositiveRate == 0 && roc.first?.truePositiveRate == 0)
        #expect(roc.last?.falsePositiveRate == 1 && roc.last?.truePositiveRate == 1)
        let pr = Curves.precisionRecall(scores: scores, labels: labels)
        #expect(pr.first?.precision == 1 && pr.last?.recall == 1)
        let calibration = Curves.calibration(probabilities: scores, labels: labels, bins: 2)
        #expect(calibration.map(\.count) == [2, 3])
        #expect(abs(calibration[1].observedRate - 2.0 / 3.0) < 1e-12)
    }

    @Test func unknownMetricNameIsAnError() {
        #expect(throws: LearnError.self) { try Metrics.make("f2") }
    }
}

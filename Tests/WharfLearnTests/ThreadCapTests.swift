import Foundation
import Testing
import WharfFrame
@testable import WharfLearn

/// `nthread` caps the threads of training and prediction: jobs and endpoints run side by side on one machine.
@Suite struct ThreadCapTests {
    /// A binary table with a 10% minority (so SMOTE has work for several threads) and enough rows that histograms,
    /// gradients and prediction all take their parallel paths.
    func table(rows: Int, seed: UInt64) throws -> DataFrame {
        var generator = SeededGenerator(seed: seed)
        var a = [Double?](), b = [Double?](), kind = [String?](), label = [Int64]()
        for _ in 0..<rows {
            let x = generator.nextGaussian(), y = generator.nextGaussian()
            let k = generator.nextIndex(8)
            a.append(x); b.append(y); kind.append("k\(k)")
            let margin: Double = 2 * x - y + (k < 2 ? 1.0 : -1.0) - 3
            label.append(generator.nextUnit() < 1 / (1 + Foundation.exp(-margin)) ? 1 : 0)
        }
        return try DataFrame([Column("a", a), Column("b", b), Column("kind", kind), Column("label", label)])
    }

    func recorded<R>(_ body: () throws -> R) rethrows -> (R, ThreadRecorder) {
        let recorder = ThreadRecorder()
        let result = try ThreadRecorder.$current.withValue(recorder) { try body() }
        return (result, recorder)
    }

    @Test(arguments: [1, 2])
    func forEachRunsOnAtMostTheThreadsItIsGiven(threads: Int) {
        let (_, recorder) = recorded {
            Parallel.forEach(64, threads: threads) { _ in usleep(1000) }
        }
        #expect(recorder.maxConcurrency <= threads)
        #expect(recorder.distinctThreads <= threads)
        #expect(recorder.distinctThreads >= 1)
    }

    @Test func forEachStillVisitsEveryChunkOnce() {
        let visits = (0..<100).map { _ in Atomicish() }
        Parallel.forEach(100, threads: 3) { visits[$0].add() }
        #expect(visits.allSatisfy { $0.value == 1 })
    }

    /// Training with validation and SMOTE, then batch prediction, with nthread=1 and 2: every parallel loop of the
    /// whole recipe (binning, histograms, gradients, SMOTE's neighbour search, scoring the validation rows) stays on
    /// that many threads. Before the cap, SMOTE and the validation scoring took every core whatever nthread said.
    @Test(arguments: [1, 2])
    func trainingAndPredictionUseExactlyNthread(nthread: Int) throws {
        let train = try table(rows: 30_000, seed: 1), validation = try table(rows: 8_000, seed: 2)
        let recipe = TrainingRecipe(target: "label", hyperparameters: ["nthread": "\(nthread)", "num_round": "5"],
                                    resampling: .smote, resampleRatio: 0.5)
        let (outcome, trainRecorder) = try recorded { try recipe.train(train, validation: validation) }
        // At most nthread (dispatch may run a worker's share on fewer threads when the machine is busy, never more).
        #expect(trainRecorder.maxConcurrency >= 1 && trainRecorder.maxConcurrency <= nthread)
        #expect(trainRecorder.distinctThreads <= nthread)
        #expect(outcome.validationMetrics["auc"] != nil)
        let (predictions, predictRecorder) = try recorded { try outcome.artifact.predict(validation, threads: nthread) }
        #expect(predictions.count == validation.rowCount)
        #expect(predictRecorder.maxConcurrency >= 1 && predictRecorder.maxConcurrency <= nthread)
        #expect(predictRecorder.distinctThreads <= nthread)
    }
}

/// A counter several threads may bump.
final class Atomicish: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

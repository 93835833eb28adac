import Foundation
import Testing
import WharfFrame
@testable import WharfLearn

@Suite struct SamplingTests {
    func imbalanced() -> LabeledData {
        let data = TestData.binary(rows: 3000, features: 5, missingRate: 0)
        let keep = data.labels.indices.filter { data.labels[$0] == 0 || $0 % 10 == 0 }
        return data.selectingRows(keep)
    }

    @Test func smoteReachesTheRatioWithPointsBetweenNeighbours() throws {
        let data = imbalanced()
        let minority = data.labels.filter { $0 == 1 }.count, majority = data.rowCount - minority
        let out = try SMOTE(neighbors: 5, ratio: 1, seed: 3).resample(data)
        #expect(out.labels.filter { $0 == 1 }.count == majority)
        #expect(out.rowCount == 2 * majority)
        // Original rows come first, unchanged.
        #expect(Array(out.features.column(0)[0..<data.rowCount]) == Array(data.features.column(0)))
        // Every synthetic point lies inside the minority class's bounding box.
        let minorityRows = data.labels.indices.filter { data.labels[$0] == 1 }
        for f in 0..<5 {
            let values = minorityRows.map { data.features[$0, f] }
            let low = values.min()!, high = values.max()!
            for r in data.rowCount..<out.rowCount { #expect(out.features[r, f] >= low && out.features[r, f] <= high) }
        }
        let again = try SMOTE(neighbors: 5, ratio: 1, seed: 3).resample(data)
        #expect(again.features.values == out.features.values)
    }

    /// Sizes that are and are not multiples of the 4-query by 8-point tiles.
    @Test(arguments: [(200, 3), (203, 30), (9, 2)])
    func neighbourSearchMatchesBruteForce(m: Int, d: Int) {
        var generator = SeededGenerator(seed: 8)
        let points = (0..<(m * d)).map { _ in Float(generator.nextGaussian()) }
        let found = NeighborSearch(count: m, dimensions: d, points: points).nearestNeighbors(k: 4, threads: 2)
        for q in 0..<m {
            var distances = [(index: Int, distance: Float)]()
            for j in 0..<m where j != q {
                var s: Float = 0
                for k in 0..<d {
                    let t: Float = points[k * m + q] - points[k * m + j]
                    s += t * t
                }
                distances.append((j, s))
            }
            distances.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.index < $1.index }
            let expected: [Int] = distances.prefix(4).map { $0.index }
            let got: [Int] = found[(q * 4)..<(q * 4 + 4)].map { Int($0) }
            #expect(got == expected)
        }
    }

    /// Points on a coarse integer grid, so many distances tie exactly: the pair-once search must still give the k smallest
    /// (distance, index) pairs, whatever order the pairs reach each list in and however the work is split over threads.
    @Test(arguments: [(600, 2, 5, 2), (1037, 3, 7, 3), (530, 1, 4, 2), (40, 2, 6, 1)])
    func neighbourSearchBreaksTiesByIndexLikeNaiveSearch(m: Int, d: Int, k: Int, threads: Int) {
        var generator = SeededGenerator(seed: UInt64(m * 31 + d))
        let points = (0..<(m * d)).map { _ in Float(generator.nextIndex(4)) }
        let found = NeighborSearch(count: m, dimensions: d, points: points).nearestNeighbors(k: k, threads: threads)
        var mismatches = 0
        for q in 0..<m {
            var distances = [(index: Int, distance: Float)]()
            for j in 0..<m where j != q {
                var s: Float = 0
                for dim in 0..<d {
                    let t: Float = points[dim * m + q] - points[dim * m + j]
                    s += t * t
                }
                distances.append((j, s))
            }
            distances.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.index < $1.index }
            let expected: [Int] = distances.prefix(k).map { $0.index }
            let got: [Int] = found[(q * k)..<(q * k + k)].map { Int($0) }
            if got != expected { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func randomSamplersBalanceClasses() throws {
        let data = imbalanced()
        let minority = data.labels.filter { $0 == 1 }.count
        let under = try RandomUnderSampler(ratio: 0.5, seed: 1).resample(data)
        #expect(under.labels.filter { $0 == 0 }.count == 2 * minority)
        #expect(under.labels.filter { $0 == 1 }.count == minority)
        let over = try RandomOverSampler(ratio: 1, seed: 1).resample(data)
        #expect(over.labels.filter { $0 == 1 }.count == over.labels.filter { $0 == 0 }.count)
    }

    @Test func badSamplingSettingsAreRejected() throws {
        #expect(throws: LearnError.self) { try SMOTE(neighbors: 0) }
        #expect(throws: LearnError.self) { try SMOTE(ratio: 1.5) }
        let three = try LabeledData(features: FeatureMatrix(columns: [[1, 2, 3]]), labels: [0, 1, 2])
        let error = try #require(throws: LearnError.self) { try SMOTE().resample(three) }
        #expect(error.message.contains("found 3"))
        let one = try LabeledData(features: FeatureMatrix(columns: [[1, 2, 3]]), labels: [1, 1, 1])
        #expect(throws: LearnError.self) { try SMOTE().resample(one) }
    }
}

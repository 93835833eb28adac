import Foundation
import WharfFrame
@testable import WharfLearn

/// Small generated data sets with planted signal, shared by the suites.
enum TestData {
    /// Binary labels from a logistic model on `features` Gaussian columns (first four informative), some values missing.
    static func binary(rows: Int, features: Int = 8, seed: UInt64 = 1, missingRate: Double = 0.05) -> LabeledData {
        var generator = SeededGenerator(seed: seed)
        var columns = [[Float]](repeating: [], count: features)
        var labels = [Double]()
        for _ in 0..<rows {
            var x = [Double]()
            for _ in 0..<features { x.append(generator.nextGaussian()) }
            let margin = 1.5 * x[0] - 1.0 * x[1] + 0.8 * x[2] * x[3] + (x[min(4, features - 1)] > 0.5 ? 1 : -0.3)
            let p = 1 / (1 + exp(-margin))
            labels.append(generator.nextUnit() < p ? 1 : 0)
            for f in 0..<features {
                columns[f].append(generator.nextUnit() < missingRate ? .nan : Float(x[f]))
            }
        }
        return try! LabeledData(features: FeatureMatrix(columns: columns), labels: labels)
    }

    /// Regression target y = 3 x0 - 2 x1 + sin(x2) + noise.
    static func regression(rows: Int, seed: UInt64 = 2) -> LabeledData {
        var generator = SeededGenerator(seed: seed)
        var columns = [[Float]](repeating: [], count: 4)
        var labels = [Double]()
        for _ in 0..<rows {
            let x = (0..<4).map { _ in generator.nextGaussian() }
            labels.append(3 * x[0] - 2 * x[1] + sin(x[2]) + 0.1 * generator.nextGaussian())
            for f in 0..<4 { columns[f].append(Float(x[f])) }
        }
        return try! LabeledData(features: FeatureMatrix(columns: columns), labels: labels)
    }

    /// Three classes separated along x0 and x1.
    static func multiclass(rows: Int, seed: UInt64 = 3) -> LabeledData {
        var generator = SeededGenerator(seed: seed)
        var columns = [[Float]](repeating: [], count: 3)
        var labels = [Double]()
        for _ in 0..<rows {
            let c = generator.nextIndex(3)
            let centers: [(Double, Double)] = [(0, 0), (2.5, 0), (0, 2.5)]
            columns[0].append(Float(centers[c].0 + generator.nextGaussian()))
            columns[1].append(Float(centers[c].1 + generator.nextGaussian()))
            columns[2].append(Float(generator.nextGaussian()))
            labels.append(Double(c))
        }
        return try! LabeledData(features: FeatureMatrix(columns: columns), labels: labels)
    }

    /// One categorical feature (12 levels) whose odd levels carry the positive class, plus noise.
    static func categorical(rows: Int, seed: UInt64 = 4) -> LabeledData {
        var generator = SeededGenerator(seed: seed)
        var codes = [Float](), noise = [Float](), labels = [Double]()
        let positiveLevels: Set<Int> = [1, 3, 4, 7, 10]
        for _ in 0..<rows {
            let c = generator.nextIndex(12)
            codes.append(Float(c))
            noise.append(Float(generator.nextGaussian()))
            let p = positiveLevels.contains(c) ? 0.85 : 0.15
            labels.append(generator.nextUnit() < p ? 1 : 0)
        }
        let levels = (0..<12).map { "level\($0)" }
        let matrix = try! FeatureMatrix(columns: [codes, noise], names: ["kind", "noise"], kinds: [.categorical(levels: levels), .numeric])
        return try! LabeledData(features: matrix, labels: labels)
    }

    /// Folder of the shared real data sets, if present.
    static var sharedData: URL? {
        if let env = ProcessInfo.processInfo.environment["WHARF_SHARED_DATA"] {
            return FileManager.default.fileExists(atPath: env) ? URL(fileURLWithPath: env) : nil
        }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                let shared = dir.deletingLastPathComponent().appendingPathComponent("shared/data")
                return FileManager.default.fileExists(atPath: shared.path) ? shared : nil
            }
            dir.deleteLastPathComponent()
        }
        return nil
    }
}

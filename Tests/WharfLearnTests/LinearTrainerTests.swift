import Foundation
import Testing
import WharfFrame
@testable import WharfLearn

@Suite struct LinearTrainerTests {
    @Test func linearRegressionMatchesNormalEquations() throws {
        // y = 2 + 3 x0 - x1 exactly plus small noise: OLS via the 3x3 normal equations.
        var generator = SeededGenerator(seed: 5)
        var x0 = [Float](), x1 = [Float](), y = [Double]()
        for _ in 0..<500 {
            let a = Float(generator.nextGaussian()), b = Float(generator.nextGaussian() * 2 + 1)
            x0.append(a); x1.append(b)
            y.append(2 + 3 * Double(a) - Double(b) + 0.01 * generator.nextGaussian())
        }
        let data = try LabeledData(features: FeatureMatrix(columns: [x0, x1]), labels: y)
        let model = try LinearTrainer(hyperparameters: ["task": "regression", "penalty": "none", "tol": "1e-10", "max_iter": "500"]).fit(data)
        var a = [[Double]](repeating: [0, 0, 0], count: 3), rhs = [0.0, 0, 0]
        for i in 0..<500 {
            let row = [1, Double(x0[i]), Double(x1[i])]
            for r in 0..<3 { rhs[r] += row[r] * y[i]; for c in 0..<3 { a[r][c] += row[r] * row[c] } }
        }
        let solution = solve3(a, rhs)
        let (coefficients, intercepts) = model.originalScale
        #expect(abs(intercepts[0] - solution[0]) < 1e-6)
        #expect(abs(coefficients[0] - solution[1]) < 1e-6)
        #expect(abs(coefficients[1] - solution[2]) < 1e-6)
        #expect(model.convergence.converged)
    }

    @Test func logisticRegressionOnSeparableOneDimensionalDataWithL2() throws {
        // Symmetric data: x = ±1 with labels matching the sign in 3 of 4 rows on each side.
        // With standardised x (mean 0, sd 1) and no penalty, the MLE slope is log(3): p(y=1|x=1) = 3/4.
        let x: [Float] = [1, 1, 1, 1, -1, -1, -1, -1]
        let y: [Double] = [1, 1, 1, 0, 0, 0, 0, 1]
        let data = try LabeledData(features: FeatureMatrix(columns: [x]), labels: y)
        let model = try LinearTrainer(hyperparameters: ["penalty": "none", "tol": "1e-10"]).fit(data)
        #expect(abs(model.coefficients[0] - log(3)) < 1e-6)
        #expect(abs(model.intercepts[0]) < 1e-6)
        // L2 with C: gradient condition sum (p - y) x + w / C = 0 holds at the solution.
        let c = 0.5
        let penalised = try LinearTrainer(hyperparameters: ["C": "\(c)", "tol": "1e-10"]).fit(data)
        let w = penalised.coefficients[0]
        var gradient = w / c
        for i in 0..<8 { gradient += (1 / (1 + exp(-w * Double(x[i]))) - y[i]) * Double(x[i]) }
        #expect(abs(gradient) < 1e-6)
        #expect(w < log(3) && w > 0)
    }

    @Test func l1ZeroesIrrelevantFeatures() throws {
        let data = TestData.binary(rows: 3000, features: 8, missingRate: 0)
        let dense = try LinearTrainer(hyperparameters: ["penalty": "l2", "C": "1"]).fit(data)
        let sparse = try LinearTrainer(hyperparameters: ["penalty": "l1", "C": "0.01"]).fit(data)
        let zeros = sparse.coefficients.filter { $0 == 0 }.count
        #expect(zeros >= 3, "coefficients \(sparse.coefficients)")
        #expect(sparse.coefficients[0] > 0 && sparse.coefficients[1] < 0, "coefficients \(sparse.coefficients)")
        #expect(dense.coefficients.allSatisfy { $0 != 0 })
        let elastic = try LinearTrainer(hyperparameters: ["penalty": "elasticnet", "l1_ratio": "0.5", "C": "0.002"]).fit(data)
        #expect(elastic.coefficients.filter { $0 == 0 }.count >= 1)
    }

    @Test func multinomialLogisticClassifiesThreeClasses() throws {
        let data = TestData.multiclass(rows: 1500)
        let model = try LinearTrainer(hyperparameters: ["task": "multinomial", "num_class": "3"]).fit(data)
        let p = try model.predict(data.features)
        #expect(Accuracy().evaluate(predictions: p, outputCount: 3, labels: data.labels, weights: nil) > 0.8)
    }

    @Test func balancedClassWeightsRaiseMinorityProbabilities() throws {
        var data = TestData.binary(rows: 2000, missingRate: 0)
        let keep = data.labels.indices.filter { data.labels[$0] == 0 || $0 % 5 == 0 }
        data = data.selectingRows(keep)
        let plain = try LinearTrainer(hyperparameters: [:]).fit(data)
        let balanced = try LinearTrainer(hyperparameters: ["class_weight": "balanced"]).fit(data)
        let meanPlain = try plain.predict(data.features).reduce(0, +)
        let meanBalanced = try balanced.predict(data.features).reduce(0, +)
        #expect(meanBalanced > meanPlain * 1.5)
    }

    @Test func iterationCapIsReportedAsWarning() throws {
        let data = TestData.binary(rows: 1000)
        var warnings = [String]()
        let model = try LinearTrainer(hyperparameters: ["max_iter": "1", "tol": "1e-12"]).fit(data) { warnings.append($0) }
        #expect(!model.convergence.converged)
        #expect(model.convergence.iterations == 1)
        #expect(warnings.count == 1 && warnings[0].contains("max_iter"))
    }

    @Test func badInputIsRejected() throws {
        let x = try FeatureMatrix(columns: [[1, 2, 3]])
        #expect(throws: LearnError.self) { try LinearTrainer(hyperparameters: [:]).fit(LabeledData(features: x, labels: [1, 1, 1])) }
        #expect(throws: LearnError.self) { try LinearTrainer(hyperparameters: ["task": "regression"]).fit(LabeledData(features: x, labels: [2, 2, 2])) }
        #expect(throws: LearnError.self) { try LinearTrainer(hyperparameters: ["C": "-1"]) }
        #expect(throws: LearnError.self) { try LinearTrainer(hyperparameters: ["solver": "sag"]) }
    }

    private func solve3(_ a: [[Double]], _ b: [Double]) -> [Double] {
        var m = a, v = b
        for col in 0..<3 {
            let pivot = (col..<3).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            m.swapAt(col, pivot); v.swapAt(col, pivot)
            for row in 0..<3 where row != col {
                let f = m[row][col] / m[col][col]
                for k in 0..<3 { m[row][k] -= f * m[col][k] }
                v[row] -= f * v[col]
            }
        }
        return (0..<3).map { v[$0] / m[$0][$0] }
    }
}
